export class Animal {
  #secret = 1;
  static count = 0;

  constructor(name) {
    this.name = name;
    Animal.count++;
  }

  get label() {
    return `animal ${this.name}`;
  }

  set label(value) {
    this.name = value;
  }

  static create(name) {
    return new Animal(name);
  }

  async load(source) {
    const data = await source();
    return data;
  }

  *[Symbol.iterator]() {
    yield this.name;
  }

  async *ticks(n) {
    for (let i = 0; i < n; i++) yield i;
  }

  #hidden(x) { return x + this.#secret; }

  static { Animal.ready = true; }
}

export class Dog extends Animal {
  constructor(name, breed) {
    super(name);
    this.breed = breed;
  }

  speak = (times) => {
    return "woof".repeat(times);
  };

  toString() { return `${this.name} (${this.breed})`; }
}

export default class {
  run() { return 1; }
}

const Expr = class {
  m(a) { return a; }
};
export { Expr };
