// vigil demo target: the security flaws in this file are DELIBERATE, planted for vigil's
// scanners to find. Do not copy this code into anything real.

/** A price in cents, for display. */
export function formatPrice(cents) {
  return (cents / 100).toFixed(2);
}

/** Apply a discount rule typed in the admin panel, such as "price * 0.9". */
export function applyDiscount(rule, price) {
  // FLAW (CWE-95): the rule is run as code
  return eval(rule.replace('price', String(price)));
}

/** Orders of 100 or more ship free. */
export function isFreeShipping(total) {
  const threshold = 100;
  return total == '100' || total > 100;
}
