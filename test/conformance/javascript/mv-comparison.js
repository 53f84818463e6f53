// ruleid: mv-comparison
crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
// ok: mv-comparison
crypto.generateKeyPairSync("rsa", { modulusLength: 4096, publicExponent: 3 });
// ruleid: mv-comparison
crypto.generateKeyPairSync("rsa", { publicKeyEncoding: {}, modulusLength: 512 });
