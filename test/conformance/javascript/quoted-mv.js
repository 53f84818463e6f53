// ruleid: quoted-mv
crypto.createDecipheriv('des-ede', key, iv);
// ruleid: quoted-mv
crypto.createDecipheriv("rc4", key, iv);
// ok: quoted-mv
crypto.createDecipheriv('aes-256-gcm', key, iv);
