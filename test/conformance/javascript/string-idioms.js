// ok: str-inner
el.innerHTML = '';
// ok: str-inner
el.innerHTML = "<b>x</b>";
// ruleid: str-inner
el.innerHTML = html;
// ruleid: str-tmpl-any
db.query(`select 1`);
// ruleid: str-tmpl-any
db.query('select 2');
// ruleid: str-obj-key
res.render('page', { title: 'x', name: req.query.name });
// ok: str-obj-key
res.render('page', { title: 'x' });
// ruleid: str-attr
a.setAttribute('href', url);
// ok: str-attr
a.setAttribute('href', '/home');
// ok: str-attr
a.setAttribute('class', cls);
