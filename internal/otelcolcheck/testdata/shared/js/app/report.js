// The application: reports what a shelf is worth, with the library.
import shelf from 'shelf';

export function report(titles) {
  const values = [];
  for (const title of titles) {
    values.push(shelf.price(title));
  }
  const sum = values.reduce((a, b) => a + b, 0);
  console.log('value', sum);
  return sum;
}

report(['dune', 'emma', 'ulysses']);
