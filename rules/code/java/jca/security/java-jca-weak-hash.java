package com.example.shop.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

final class Digests {

    private Digests() {
    }

    public static String passwordHash(String password, String salt) throws NoSuchAlgorithmException {
        // ruleid: java-jca-weak-hash
        MessageDigest md = MessageDigest.getInstance("MD5");
        return HexFormat.of().formatHex(md.digest((salt + password).getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] contractSignature(byte[] document) throws NoSuchAlgorithmException {
        // ruleid: java-jca-weak-hash
        return MessageDigest.getInstance("SHA-1").digest(document);
    }

    public static byte[] checksum(byte[] data) throws NoSuchAlgorithmException {
        // ok: java-jca-weak-hash
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    public static byte[] fingerprint(byte[] data) throws NoSuchAlgorithmException {
        // ok: java-jca-weak-hash
        return MessageDigest.getInstance("SHA3-256").digest(data);
    }
}
