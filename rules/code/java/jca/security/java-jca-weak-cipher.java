package com.example.shop.vault;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

class CardVault {
    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public CardVault(SecretKey key) {
        this.key = key;
    }

    public byte[] sealForMainframe(byte[] pan) throws GeneralSecurityException {
        // ruleid: java-jca-weak-cipher
        Cipher cipher = Cipher.getInstance("DESede/CBC/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, key);
        return cipher.doFinal(pan);
    }

    public byte[] sealToken(byte[] token) throws GeneralSecurityException {
        // ruleid: java-jca-weak-cipher
        Cipher cipher = Cipher.getInstance("AES");
        cipher.init(Cipher.ENCRYPT_MODE, key);
        return cipher.doFinal(token);
    }

    public byte[] sealBlock(byte[] block) throws GeneralSecurityException {
        // ruleid: java-jca-weak-cipher
        Cipher cipher = Cipher.getInstance("AES/ECB/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, key);
        return cipher.doFinal(block);
    }

    public byte[] seal(byte[] plaintext) throws GeneralSecurityException {
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        // ok: java-jca-weak-cipher
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        byte[] sealed = cipher.doFinal(plaintext);
        return ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
    }

    public static Cipher keyWrapper() throws GeneralSecurityException {
        // ok: java-jca-weak-cipher
        return Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
    }
}
