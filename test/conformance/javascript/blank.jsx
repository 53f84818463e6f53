function L() {
  return (
    <div>
      {/* ruleid: blank */}
      <a href={u} target="_blank">x</a>
      {/* ok: blank */}
      <a href={u} target="_blank" rel="noopener noreferrer">y</a>
    </div>
  );
}
