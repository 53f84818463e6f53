// vigil demo target: the security flaws in this file are DELIBERATE, planted for vigil's
// scanners to find. Do not copy this code into anything real.

/** Show the term the shopper searched for above the results. */
export function showSearchTerm() {
  const params = new URLSearchParams(window.location.search);
  const term = params.get('q') ?? '';
  // FLAW (CWE-79): text from the URL is written as HTML
  document.getElementById('search-term').innerHTML = 'Results for ' + term;
}

/** Show the product count as plain text: the safe way, for contrast. */
export function showCount(n) {
  document.getElementById('result-count').textContent = `${n} products`;
}
