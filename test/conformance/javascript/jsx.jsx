function A(p) {
  // ruleid: jsx
  return <div dangerouslySetInnerHTML={{ __html: p.x }} />;
}
function B(p) {
  // ok: jsx
  return <div className="a" />;
}
