const COUPONS = { HALF: 0.5, TENTH: 0.1 };

async function applyCoupon(total, code) {
  const rate = COUPONS[code];
  if (rate === undefined) {
    throw new Error(`unknown coupon ${code}`);
  }
  return total * (1 - rate);
}

const describe = (code) => `${code}: ${COUPONS[code] * 100}% off`;

module.exports = { applyCoupon, describe };
