package io.github.tiereddelivery.routes;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Changes one route in the text of a routes file (WebAdmin's writes): the route is replaced where it stands, or added
 * at the end; comments, order and layout of everything else are kept.
 */
public final class RoutesFileEditor {
    public static final String EMPTY_FILE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<delivery-routes>\n</delivery-routes>\n";
    private static final String ROUTE_INDENT = "\n    ";
    private static final String HOST_INDENT = "\n        ";

    private RoutesFileEditor() {
    }

    /** The file with {@code route} in place of the route of the same key, or added after the others. */
    public static String put(String xml, Route route) {
        Document document = parse(xml);
        Element replacement = toElement(document, route);
        Optional<Element> existing = find(document, route.key());
        if (existing.isPresent()) {
            document.getDocumentElement().replaceChild(replacement, existing.get());
        } else {
            Element root = document.getDocumentElement();
            Node closing = root.getLastChild();
            boolean trailingWhitespace = closing != null && closing.getNodeType() == Node.TEXT_NODE && closing.getTextContent().isBlank();
            root.insertBefore(document.createTextNode(ROUTE_INDENT), trailingWhitespace ? closing : null);
            root.insertBefore(replacement, trailingWhitespace ? closing : null);
            if (!trailingWhitespace) {
                root.appendChild(document.createTextNode("\n"));
            }
        }
        return serialize(document, xml);
    }

    /** The file without the route of that key; empty when it has none. */
    public static Optional<String> remove(String xml, RouteKey key) {
        Document document = parse(xml);
        return find(document, key).map(route -> {
            Node before = route.getPreviousSibling();
            if (before != null && before.getNodeType() == Node.TEXT_NODE && before.getTextContent().isBlank()) {
                before.getParentNode().removeChild(before);
            }
            route.getParentNode().removeChild(route);
            return serialize(document, xml);
        });
    }

    private static Optional<Element> find(Document document, RouteKey key) {
        for (Node node = document.getDocumentElement().getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && ((Element) node).getTagName().equals("route") && key.equals(keyOf((Element) node))) {
                return Optional.of((Element) node);
            }
        }
        return Optional.empty();
    }

    private static RouteKey keyOf(Element route) {
        try {
            return route.hasAttribute("recipient") ? RouteKey.ofRecipient(route.getAttribute("recipient"))
                : RouteKey.ofDomain(route.getAttribute("domain"));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Element toElement(Document document, Route route) {
        Element element = document.createElement("route");
        element.setAttribute(route.key() instanceof RouteKey.Recipient ? "recipient" : "domain", route.key().asString());
        if (route.destination() instanceof Destination.MxOf) {
            element.setAttribute("mx", ((Destination.MxOf) route.destination()).name());
        }
        if (route.balancing() != Balancing.RANDOM) {
            element.setAttribute("balancing", route.balancing().asString());
        }
        route.port().ifPresent(port -> element.setAttribute("port", String.valueOf(port)));
        route.tls().ifPresent(tls -> element.setAttribute("tls", tls.asString()));
        route.auth().ifPresent(auth -> element.setAttribute("auth", auth));
        if (route.destination() instanceof Destination.Hosts) {
            for (HostSpec host : ((Destination.Hosts) route.destination()).hosts()) {
                Element child = document.createElement("host");
                child.setAttribute("preference", String.valueOf(host.preference()));
                if (host.weight() != HostSpec.DEFAULT_WEIGHT) {
                    child.setAttribute("weight", String.valueOf(host.weight()));
                }
                child.setTextContent(host.asString());
                element.appendChild(document.createTextNode(HOST_INDENT));
                element.appendChild(child);
            }
            element.appendChild(document.createTextNode(ROUTE_INDENT));
        }
        return element;
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("the routes file is not well-formed XML (" + e.getMessage()
                + "); fix it on disk first", e);
        }
    }

    /** Node by node at the top level, so that comments before the root element keep a line of their own. */
    private static String serialize(Document document, String original) {
        try {
            Transformer transformer = TransformerFactory.newDefaultInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringBuilder text = new StringBuilder();
            if (original.stripLeading().startsWith("<?xml")) {
                text.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            }
            for (Node node = document.getFirstChild(); node != null; node = node.getNextSibling()) {
                StringWriter out = new StringWriter();
                transformer.transform(new DOMSource(node), new StreamResult(out));
                text.append(out).append('\n');
            }
            return text.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write the routes file: " + e.getMessage(), e);
        }
    }
}
