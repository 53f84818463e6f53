function A() {
  return (
    <div>
      {/* ruleid: jsx-blank */}
      <a href={url} target="_blank">x</a>
      {/* ok: jsx-blank */}
      <a href={url} target="_blank" rel="noopener noreferrer">x</a>
      {/* ok: jsx-blank */}
      <a href="/local" target="_blank">x</a>
      {/* ruleid: jsx-dangerous */}
      <div dangerouslySetInnerHTML={{ __html: html }} />
      {/* ok: jsx-dangerous */}
      <div dangerouslySetInnerHTML={{ __html: "<b>x</b>" }} />
      {/* ruleid: jsx-href-js */}
      <a href={link}>go</a>
      {/* ok: jsx-href-js */}
      <a href="/x">go</a>
    </div>
  );
}
// ruleid: jsx-jwt-none
jwt.verify(token, key, { algorithms: ['HS256', 'none'] });
// ok: jsx-jwt-none
jwt.verify(token, key, { algorithms: ['HS256'] });
// ruleid: jsx-env
console.log("k", process.env.API_SECRET);
// ok: jsx-env
console.log(process.env.PORT);
