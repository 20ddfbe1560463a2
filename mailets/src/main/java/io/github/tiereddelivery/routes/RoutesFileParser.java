package io.github.tiereddelivery.routes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a routes file ({@code <delivery-routes>} of {@code <route>} elements, SPEC "Routes file") into a
 * {@link RouteTable}. Every problem of the file is reported at once, with its line and fix. The XML is read without
 * DTDs, external entities or XInclude.
 */
public final class RoutesFileParser {
    /** Beyond this many problems the file is most likely not a routes file at all. */
    static final int MAX_PROBLEMS = 50;

    private static final String ROOT = "delivery-routes";
    private static final String ROUTE = "route";
    private static final String HOST = "host";
    private static final Set<String> ROUTE_ATTRIBUTES = Set.of("domain", "recipient", "mx", "port", "balancing",
        "tls", "auth");
    private static final int MAX_SHOWN_VALUE = 80;

    /** Reads the file; an unreadable file is reported like an invalid one. */
    public RouteTable parse(Path file) throws InvalidRoutesException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new InvalidRoutesException(file.toString(), List.of(file + ": cannot read the routes file ("
                + e + "); check that it exists and that James may read it"));
        }
    }

    /**
     * @param sourceName names the file in messages, e.g. {@code conf/delivery-routes.xml}
     */
    public RouteTable parse(InputStream in, String sourceName) throws InvalidRoutesException {
        Handler handler = new Handler(sourceName);
        try {
            newSaxParser().parse(new InputSource(in), handler);
        } catch (SAXParseException e) {
            handler.malformed(e);
        } catch (SAXException e) {
            handler.problem(0, null, "cannot be read as XML: " + e.getMessage());
        } catch (IOException e) {
            handler.problem(0, null, "cannot be read (" + e + ")");
        }
        return handler.table();
    }

    private static SAXParser newSaxParser() {
        try {
            // The JDK's own parser, whatever else is on James' class path, so the features below are known.
            SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
            factory.setNamespaceAware(false);
            factory.setValidating(false);
            factory.setXIncludeAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // No DTD at all: no external entities (XXE), no entity expansion bombs.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            return factory.newSAXParser();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's XML parser does not support secure parsing", e);
        }
    }

    private record Problem(int line, String text) {
    }

    /** The attributes of a {@code <route>} as read, and what has been understood of them so far. */
    private static final class RouteDraft {
        final int line;
        final Map<String, String> attributes;
        final List<HostSpec> hosts = new ArrayList<>();
        RouteKey key;
        Destination.MxOf mx;
        OptionalInt port = OptionalInt.empty();
        Balancing balancing = Balancing.RANDOM;
        Optional<TlsPolicy> tls = Optional.empty();
        Optional<String> auth = Optional.empty();
        boolean hasHostElements;
        /** Unknown elements or text inside the route, already reported: no "needs <host>" on top. */
        boolean hasStrayContent;
        boolean broken;

        RouteDraft(int line, Map<String, String> attributes) {
            this.line = line;
            this.attributes = attributes;
        }

        /** The start tag with its key attribute and the given ones, e.g. {@code <route domain="a.test" mx="x">}. */
        String tag(String... shown) {
            StringBuilder tag = new StringBuilder("<" + ROUTE);
            for (String name : List.of("domain", "recipient")) {
                appendAttribute(tag, name, attributes.get(name));
            }
            for (String name : shown) {
                if (!name.equals("domain") && !name.equals("recipient")) {
                    appendAttribute(tag, name, attributes.get(name));
                }
            }
            return tag.append('>').toString();
        }
    }

    private static final class HostDraft {
        final int line;
        final StringBuilder text = new StringBuilder();
        int preference = HostSpec.DEFAULT_PREFERENCE;
        int weight = HostSpec.DEFAULT_WEIGHT;
        boolean broken;

        HostDraft(int line) {
            this.line = line;
        }
    }

    private static final class Handler extends DefaultHandler {
        private final String source;
        private final List<Problem> problems = new ArrayList<>();
        private int problemsLeftOut;
        private final List<Route> routes = new ArrayList<>();
        private final Map<RouteKey, Integer> lineOfKey = new HashMap<>();
        private Locator locator;
        private int depth;
        /** Depth of an element whose content is not looked at (it was already reported); 0 = none. */
        private int skippedDepth;
        private RouteDraft route;
        private HostDraft host;
        private final StringBuilder strayText = new StringBuilder();
        private int strayTextLine;

        Handler(String source) {
            this.source = source;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String name, Attributes attributes) {
            reportStrayText();
            depth++;
            if (skippedDepth > 0) {
                return;
            }
            int line = line();
            if (depth == 1) {
                startRoot(line, name, attributes);
            } else if (depth == 2) {
                if (name.equals(ROUTE)) {
                    route = startRoute(line, attributesOf(attributes));
                } else {
                    skip(line, "<" + name + ">", "unknown element; inside <" + ROOT + "> only <" + ROUTE
                        + "> elements belong");
                }
            } else if (depth == 3) {
                if (name.equals(HOST)) {
                    host = startHost(line, attributesOf(attributes));
                } else {
                    route.hasStrayContent = true;
                    skip(line, "<" + name + ">", "unknown element; inside <" + ROUTE + "> only <" + HOST
                        + "> elements belong, e.g. <host>mail1.acme.test</host>");
                }
            } else {
                host.broken = true;
                skip(line, "<" + name + ">", "a <host> holds only a server name, no elements, "
                    + "e.g. <host>mail1.acme.test</host>");
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (skippedDepth > 0) {
                return;
            }
            if (depth == 3 && host != null) {
                host.text.append(ch, start, length);
                return;
            }
            if (strayText.toString().isBlank()) {
                strayTextLine = line();
            }
            strayText.append(ch, start, length);
        }

        @Override
        public void endElement(String uri, String localName, String name) {
            reportStrayText();
            if (skippedDepth > 0) {
                if (depth == skippedDepth) {
                    skippedDepth = 0;
                }
            } else if (depth == 3) {
                finishHost();
            } else if (depth == 2) {
                finishRoute();
            }
            depth--;
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }

        private void startRoot(int line, String name, Attributes attributes) {
            if (!name.equals(ROOT)) {
                skip(line, "<" + name + ">", "the file must start with <" + ROOT + ">; put the <" + ROUTE
                    + "> elements inside <" + ROOT + "> … </" + ROOT + ">");
                return;
            }
            for (Map.Entry<String, String> attribute : attributesOf(attributes).entrySet()) {
                problem(line, "<" + ROOT + attributeText(attribute.getKey(), attribute.getValue()) + ">",
                    "unknown attribute " + attribute.getKey() + "; <" + ROOT + "> takes no attributes; remove it");
            }
        }

        private RouteDraft startRoute(int line, Map<String, String> attributes) {
            RouteDraft draft = new RouteDraft(line, attributes);
            for (String attribute : attributes.keySet()) {
                if (!ROUTE_ATTRIBUTES.contains(attribute)) {
                    failRoute(draft, draft.tag(attribute), "unknown attribute " + attribute + "; <" + ROUTE
                        + "> takes domain or recipient, and optionally mx, port, balancing, tls and auth");
                }
            }
            String domain = attributes.get("domain");
            String recipient = attributes.get("recipient");
            if (domain != null && recipient != null) {
                failRoute(draft, draft.tag(), "a route has either a domain or a recipient attribute, not both; "
                    + "write one route for each");
            } else if (domain == null && recipient == null) {
                failRoute(draft, draft.tag(), "a route needs domain=\"…\" (e.g. domain=\"acme.test\", "
                    + "domain=\"*.acme.test\" or domain=\"*\") or recipient=\"…\" (e.g. recipient=\"it@acme.test\")");
            } else if (domain != null) {
                draft.key = understand(draft, "domain", RouteKey::ofDomain);
            } else {
                draft.key = understand(draft, "recipient", RouteKey::ofRecipient);
            }
            draft.mx = understand(draft, "mx", Destination.MxOf::new);
            OptionalInt port = understand(draft, "port", RoutesFileParser::port);
            draft.port = port == null ? OptionalInt.empty() : port;
            draft.balancing = Optional.ofNullable(understand(draft, "balancing", Balancing::parse))
                .orElse(Balancing.RANDOM);
            draft.tls = Optional.ofNullable(understand(draft, "tls", TlsPolicy::parse));
            draft.auth = Optional.ofNullable(understand(draft, "auth", name -> {
                Route.checkAuthName(name);
                return name;
            }));
            return draft;
        }

        /** The attribute's value as {@code reader} understands it; null when absent or wrong (then reported). */
        private <T> T understand(RouteDraft draft, String attribute, Function<String, T> reader) {
            String value = draft.attributes.get(attribute);
            if (value == null) {
                return null;
            }
            try {
                return reader.apply(value);
            } catch (IllegalArgumentException e) {
                failRoute(draft, draft.tag(attribute), e.getMessage());
                return null;
            }
        }

        private HostDraft startHost(int line, Map<String, String> attributes) {
            HostDraft draft = new HostDraft(line);
            for (Map.Entry<String, String> attribute : attributes.entrySet()) {
                String name = attribute.getKey();
                String value = attribute.getValue();
                String tag = "<" + HOST + attributeText(name, value) + ">";
                if (name.equals("preference")) {
                    OptionalInt preference = WholeNumbers.parse(value, HostSpec.MIN_PREFERENCE, HostSpec.MAX_PREFERENCE);
                    if (preference.isPresent()) {
                        draft.preference = preference.getAsInt();
                    } else {
                        failHost(draft, tag, HostSpec.PREFERENCE_RULE);
                    }
                } else if (name.equals("weight")) {
                    OptionalInt weight = WholeNumbers.parse(value, HostSpec.MIN_WEIGHT, HostSpec.MAX_WEIGHT);
                    if (weight.isPresent()) {
                        draft.weight = weight.getAsInt();
                    } else {
                        failHost(draft, tag, HostSpec.WEIGHT_RULE);
                    }
                } else {
                    failHost(draft, tag, "unknown attribute " + name + "; <" + HOST + "> takes only preference and "
                        + "weight, e.g. <host preference=\"20\" weight=\"3\">mail2.acme.test</host>");
                }
            }
            return draft;
        }

        private void finishHost() {
            HostDraft draft = host;
            host = null;
            route.hasHostElements = true;
            if (draft.broken) {
                route.broken = true;
                return;
            }
            String text = draft.text.toString().strip();
            try {
                route.hosts.add(HostSpec.parse(text, draft.preference, draft.weight));
            } catch (IllegalArgumentException e) {
                problem(draft.line, "<" + HOST + ">" + abbreviated(text) + "</" + HOST + ">", e.getMessage());
                route.broken = true;
            }
        }

        private void finishRoute() {
            RouteDraft draft = route;
            route = null;
            if (draft.key != null) {
                Integer firstLine = lineOfKey.putIfAbsent(draft.key, draft.line);
                if (firstLine != null) {
                    failRoute(draft, draft.tag(), "line " + firstLine + " already has a route for "
                        + draft.key.asString() + "; merge the two routes or remove one");
                }
            }
            boolean hasMx = draft.attributes.containsKey("mx");
            if (draft.hasHostElements && hasMx) {
                failRoute(draft, draft.tag("mx"), "a route has either <host> children or an mx attribute, not both; "
                    + "remove one");
            } else if (!draft.hasHostElements && !hasMx && !draft.hasStrayContent) {
                failRoute(draft, draft.tag(), "a route needs <host> children or an mx attribute; add e.g. "
                    + "<host>mail1.acme.test</host> or mx=\"delivery.acme.test\"");
            }
            if (draft.broken || draft.hasStrayContent) {
                return;
            }
            try {
                Destination destination = hasMx ? draft.mx : new Destination.Hosts(draft.hosts);
                routes.add(new Route(draft.key, destination, draft.balancing, draft.port, draft.tls, draft.auth,
                    draft.line));
            } catch (IllegalArgumentException e) {
                problem(draft.line, draft.tag(), e.getMessage());
            }
        }

        private void reportStrayText() {
            String text = strayText.toString().strip();
            strayText.setLength(0);
            if (text.isEmpty() || skippedDepth > 0) {
                return;
            }
            if (depth == 2) {
                route.hasStrayContent = true;
                problem(strayTextLine, route.tag(), "text \"" + abbreviated(text) + "\" directly inside <" + ROUTE
                    + ">; put each server in its own <host> element, e.g. <host>" + abbreviated(text) + "</host>");
            } else {
                problem(strayTextLine, "<" + ROOT + ">", "text \"" + abbreviated(text) + "\" directly inside <"
                    + ROOT + ">; only <" + ROUTE + "> elements and comments belong there");
            }
        }

        private void skip(int line, String context, String what) {
            problem(line, context, what);
            skippedDepth = depth;
        }

        private void failRoute(RouteDraft draft, String context, String what) {
            problem(draft.line, context, what);
            draft.broken = true;
        }

        private void failHost(HostDraft draft, String context, String what) {
            problem(draft.line, context, what);
            draft.broken = true;
        }

        void malformed(SAXParseException e) {
            String message = String.valueOf(e.getMessage());
            int line = e.getLineNumber();
            if (message.contains("DOCTYPE")) {
                problem(line, "<!DOCTYPE …>", "a DOCTYPE is not allowed in the routes file (it could read other "
                    + "files or expand entities without end); remove it and any &entity; references");
            } else {
                String where = line > 0 ? source + " line " + line + ", column " + e.getColumnNumber() : source;
                add(new Problem(line, where + ": malformed XML: " + message + " Fix the XML syntax there."));
            }
        }

        void problem(int line, String context, String what) {
            String where = line > 0 ? source + " line " + line : source;
            add(new Problem(line, where + (context == null ? "" : ": " + context) + ": " + what));
        }

        private void add(Problem problem) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(problem);
            } else {
                problemsLeftOut++;
            }
        }

        RouteTable table() throws InvalidRoutesException {
            if (problems.isEmpty()) {
                return RouteTable.of(routes);
            }
            List<String> report = new ArrayList<>();
            problems.stream().sorted(Comparator.comparingInt(Problem::line)).forEach(p -> report.add(p.text()));
            if (problemsLeftOut > 0) {
                report.add(source + ": " + problemsLeftOut + " more problems not shown; fix the ones above and "
                    + "check again");
            }
            throw new InvalidRoutesException(source, report);
        }

        private int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }
    }

    private static OptionalInt port(String value) {
        OptionalInt port = WholeNumbers.parse(value, Ports.MIN, Ports.MAX);
        if (port.isEmpty()) {
            throw new IllegalArgumentException(Ports.RULE);
        }
        return port;
    }

    private static Map<String, String> attributesOf(Attributes attributes) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            values.put(attributes.getQName(i), attributes.getValue(i).strip());
        }
        return values;
    }

    private static void appendAttribute(StringBuilder tag, String name, String value) {
        if (value != null) {
            tag.append(attributeText(name, value));
        }
    }

    private static String attributeText(String name, String value) {
        return " " + name + "=\"" + abbreviated(value) + "\"";
    }

    private static String abbreviated(String value) {
        return value.length() <= MAX_SHOWN_VALUE ? value : value.substring(0, MAX_SHOWN_VALUE) + "…";
    }
}
