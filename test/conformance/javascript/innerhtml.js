// ruleid: innerhtml
el.innerHTML = data;
// ok: innerhtml
el.innerHTML = "<b>x</b>";
// ruleid: innerhtml
document.getElementById("a").innerHTML = `<i>${x}</i>`;
