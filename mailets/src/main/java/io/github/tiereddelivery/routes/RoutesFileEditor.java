package io.github.tiereddelivery.routes;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Changes one route in the text of a routes file (WebAdmin's writes): the route is replaced where it stands, or added
 * at the end. Only the text of that route changes: comments, layout and the attributes of every other route stay as
 * written, byte for byte (a DOM written back would sort every element's attributes), so a file kept under version
 * control shows only the route that changed.
 */
public final class RoutesFileEditor {
    public static final String EMPTY_FILE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<delivery-routes>\n</delivery-routes>\n";
    private static final String ROUTE_INDENT = "\n    ";
    private static final String HOST_INDENT = "\n        ";

    private RoutesFileEditor() {
    }

    /** The file with {@code route} in place of the route of the same key, or added after the others. */
    public static String put(String xml, Route route) {
        Layout layout = Layout.of(xml, parse(xml));
        String written = toXml(route);
        Optional<Integer> existing = layout.indexOf(route.key());
        if (existing.isPresent()) {
            Range range = layout.children().get(existing.get());
            return xml.substring(0, range.start()) + written + xml.substring(range.end());
        }
        if (layout.selfClosingRoot()) {
            Range root = layout.rootEnd();
            return xml.substring(0, root.start()) + ">" + ROUTE_INDENT + written + "\n</" + layout.rootName() + ">"
                + xml.substring(root.end());
        }
        int closing = layout.rootEnd().start();
        int trailingWhitespace = whitespaceBefore(xml, closing);
        // Before the whitespace that ends the root's content, so that the closing tag keeps its own line.
        return trailingWhitespace < closing
            ? xml.substring(0, trailingWhitespace) + ROUTE_INDENT + written + xml.substring(trailingWhitespace)
            : xml.substring(0, closing) + ROUTE_INDENT + written + "\n" + xml.substring(closing);
    }

    /** The file without the route of that key (and the white space before it); empty when it has none. */
    public static Optional<String> remove(String xml, RouteKey key) {
        Layout layout = Layout.of(xml, parse(xml));
        return layout.indexOf(key).map(index -> {
            Range range = layout.children().get(index);
            return xml.substring(0, whitespaceBefore(xml, range.start())) + xml.substring(range.end());
        });
    }

    /** Where the run of white space that ends at {@code position} starts. */
    private static int whitespaceBefore(String xml, int position) {
        int start = position;
        while (start > 0 && Character.isWhitespace(xml.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    private static RouteKey keyOf(Element route) {
        try {
            return route.hasAttribute("recipient") ? RouteKey.ofRecipient(route.getAttribute("recipient"))
                : RouteKey.ofDomain(route.getAttribute("domain"));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The route as the parser reads it, its attributes in the order of the routes file's documentation. */
    static String toXml(Route route) {
        StringBuilder text = new StringBuilder("<route");
        attribute(text, route.key() instanceof RouteKey.Recipient ? "recipient" : "domain", route.key().asString());
        if (route.destination() instanceof Destination.MxOf mx) {
            attribute(text, "mx", mx.name());
        }
        if (route.balancing() != Balancing.RANDOM) {
            attribute(text, "balancing", route.balancing().asString());
        }
        route.port().ifPresent(port -> attribute(text, "port", String.valueOf(port)));
        route.tls().ifPresent(tls -> attribute(text, "tls", tls.asString()));
        route.auth().ifPresent(auth -> attribute(text, "auth", auth));
        if (!(route.destination() instanceof Destination.Hosts hosts)) {
            return text.append("/>").toString();
        }
        text.append('>');
        for (HostSpec host : hosts.hosts()) {
            text.append(HOST_INDENT).append("<host");
            attribute(text, "preference", String.valueOf(host.preference()));
            if (host.weight() != HostSpec.DEFAULT_WEIGHT) {
                attribute(text, "weight", String.valueOf(host.weight()));
            }
            text.append('>').append(escape(host.asString(), false)).append("</host>");
        }
        return text.append(ROUTE_INDENT).append("</route>").toString();
    }

    private static void attribute(StringBuilder text, String name, String value) {
        text.append(' ').append(name).append("=\"").append(escape(value, true)).append('"');
    }

    private static String escape(String value, boolean attribute) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append(attribute ? "&quot;" : "\"");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
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

    /** Characters {@code [start, end)} of the text. */
    private record Range(int start, int end) {
    }

    /**
     * Where the root's element children stand in the text, and its end tag ({@code "/>"} when it has none). The text is
     * well-formed (the DOM parse said so) and has no DOCTYPE, so tags, comments, CDATA and processing instructions are
     * told apart by their first characters, and a {@code >} inside a quoted attribute value is skipped.
     */
    private record Layout(String rootName, List<Range> children, Range rootEnd, boolean selfClosingRoot, List<Element> elements) {

        static Layout of(String xml, Document document) {
            List<Element> elements = new ArrayList<>();
            for (Node node = document.getDocumentElement().getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element) {
                    elements.add(element);
                }
            }
            List<Range> children = new ArrayList<>();
            int depth = 0;
            int childStart = -1;
            int position = 0;
            while (true) {
                int open = xml.indexOf('<', position);
                if (xml.startsWith("<!--", open)) {
                    position = xml.indexOf("-->", open) + 3;
                } else if (xml.startsWith("<![CDATA[", open)) {
                    position = xml.indexOf("]]>", open) + 3;
                } else if (xml.startsWith("<?", open)) {
                    position = xml.indexOf("?>", open) + 2;
                } else if (xml.startsWith("</", open)) {
                    int end = xml.indexOf('>', open) + 1;
                    depth--;
                    if (depth == 0) {
                        return new Layout(document.getDocumentElement().getTagName(), children, new Range(open, end), false, elements);
                    }
                    if (depth == 1) {
                        children.add(new Range(childStart, end));
                    }
                    position = end;
                } else {
                    int end = endOfTag(xml, open);
                    boolean empty = xml.charAt(end - 2) == '/';
                    if (depth == 0 && empty) {
                        return new Layout(document.getDocumentElement().getTagName(), children, new Range(end - 2, end), true, elements);
                    }
                    if (depth == 1) {
                        childStart = open;
                        if (empty) {
                            children.add(new Range(open, end));
                        }
                    }
                    depth += empty ? 0 : 1;
                    position = end;
                }
            }
        }

        /** Just after the {@code >} of the start tag at {@code open}, quoted attribute values skipped. */
        private static int endOfTag(String xml, int open) {
            char quote = 0;
            for (int i = open + 1; ; i++) {
                char c = xml.charAt(i);
                if (quote != 0) {
                    quote = c == quote ? 0 : quote;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    return i + 1;
                }
            }
        }

        /** The index among the root's element children of the route of that key. */
        Optional<Integer> indexOf(RouteKey key) {
            for (int i = 0; i < elements.size(); i++) {
                Element element = elements.get(i);
                if (element.getTagName().equals("route") && key.equals(keyOf(element))) {
                    return Optional.of(i);
                }
            }
            return Optional.empty();
        }
    }
}
