package com.example.shop.cache;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.Serializable;

class CartCodec {

    public static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public Object decode(InputStream body) throws IOException, ClassNotFoundException {
        ObjectInputStream in = new ObjectInputStream(body);
        // ruleid: java-lang-object-input-stream-deserialization
        return in.readObject();
    }

    public Cart fromCookie(byte[] cookie) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(cookie))) {
            // ruleid: java-lang-object-input-stream-deserialization
            return (Cart) in.readObject();
        }
    }

    public Cart fromCookieFiltered(byte[] cookie) throws IOException, ClassNotFoundException {
        ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(cookie));
        in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.shop.cache.CartCodec$Cart;!*"));
        // ok: java-lang-object-input-stream-deserialization
        return (Cart) in.readObject();
    }

    public int formatVersion(InputStream body) throws IOException {
        ObjectInputStream in = new ObjectInputStream(body);
        // ok: java-lang-object-input-stream-deserialization
        return in.readInt();
    }
}
