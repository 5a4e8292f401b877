'use strict';

const { applyCoupon } = require('./coupons');

class Cart {
  constructor(owner) {
    this.owner = owner;
    this.lines = [];
  }

  add(sku, price, quantity = 1) {
    this.lines.push({ sku, price, quantity });
    return this;
  }

  get total() {
    let sum = 0;
    for (const line of this.lines) {
      sum += line.price * line.quantity;
    }
    return Math.round(sum * 100) / 100;
  }

  async checkout(coupon) {
    const total = await applyCoupon(this.total, coupon);
    return `${this.owner} pays ${total.toFixed(2)}`;
  }
}

const cart = new Cart('ada').add('apple', 0.5, 4).add('melon', 3);
console.log(cart.total, Cart.prototype.add.length);
cart.checkout('HALF').then(console.log);
cart.checkout('BOGUS').catch((err) => console.log('refused:', err.message));
