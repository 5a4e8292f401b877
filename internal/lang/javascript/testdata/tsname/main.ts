import { add, later } from "./util.ts";

for (let i = 0; i < 2; i++) {
  console.log(add(i, 2), await later(i));
}
