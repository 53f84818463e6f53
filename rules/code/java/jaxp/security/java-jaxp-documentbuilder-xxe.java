package com.example.shop.feeds;

import java.io.IOException;
import java.io.InputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

class SupplierFeedParser {

    public Document parse(InputStream xml) throws ParserConfigurationException, SAXException, IOException {
        // ruleid: java-jaxp-documentbuilder-xxe
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        return dbf.newDocumentBuilder().parse(xml);
    }

    public Document parseQuickly(InputStream xml) throws ParserConfigurationException, SAXException, IOException {
        // ruleid: java-jaxp-documentbuilder-xxe
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml);
    }

    public Document parseSafely(InputStream xml) throws ParserConfigurationException, SAXException, IOException {
        // ok: java-jaxp-documentbuilder-xxe
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        dbf.setXIncludeAware(false);
        return dbf.newDocumentBuilder().parse(xml);
    }

    public Document parseWithDoctype(InputStream xml) throws ParserConfigurationException, SAXException, IOException {
        // ok: java-jaxp-documentbuilder-xxe
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        dbf.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        DocumentBuilder db = dbf.newDocumentBuilder();
        return db.parse(xml);
    }
}
