package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A copy of a James configuration folder, edited (XML through DOM, properties line by line) before James reads it.
 * Comments and the files and settings not edited stay as they were.
 */
public final class JamesConfFolder {
    public static final String DELIVERY_MAILET = "io.github.tiereddelivery.mailets.TieredRemoteDelivery";

    private final Path directory;

    private JamesConfFolder(Path directory) {
        this.directory = directory;
    }

    public static JamesConfFolder copyOf(Path source, Path target) {
        if (!Files.isRegularFile(source.resolve("mailetcontainer.xml"))) {
            throw new IllegalArgumentException(source.toAbsolutePath()
                + " is not a James configuration folder (no mailetcontainer.xml)");
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.collect(Collectors.toList())) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
        return new JamesConfFolder(target);
    }

    public Path directory() {
        return directory;
    }

    public void write(String fileName, String content) {
        try {
            Files.writeString(directory.resolve(fileName), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every enabled SMTP listener of smtpserver.xml binds this address ("ip:port"; port 0 = any free port). */
    public void bindSmtpListeners(String address) {
        editXml("smtpserver.xml", document -> elements(document.getDocumentElement(), "smtpserver").stream()
            .filter(server -> !"false".equals(server.getAttribute("enabled")))
            .forEach(server -> setChild(server, "bind", address)));
    }

    /**
     * Sets {@code key=value} in a properties file: the line that sets the key is replaced, or a line is added at the
     * end. Every other line stays.
     */
    public void setProperty(String fileName, String key, String value) {
        Path file = directory.resolve(fileName);
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
            String setting = key + "=" + value;
            List<Integer> settingLines = IntStream.range(0, lines.size())
                .filter(i -> setsKey(lines.get(i), key))
                .boxed()
                .collect(Collectors.toList());
            if (settingLines.size() > 1) {
                throw new IllegalStateException(file + " sets " + key + " on " + settingLines.size() + " lines");
            }
            int index = settingLines.isEmpty() ? -1 : settingLines.get(0);
            if (index < 0) {
                lines.add(setting);
            } else if (lines.get(index).endsWith("\\")) {
                throw new IllegalStateException(file + ": the value of " + key + " continues on the next line;"
                    + " write it on one line");
            } else {
                lines.set(index, setting);
            }
            Files.write(file, lines, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot edit " + file, e);
        }
    }

    /** A line that is not a comment and sets the key (java.util.Properties: key, then blanks, "=", ":" or a blank). */
    private static boolean setsKey(String line, String key) {
        String stripped = line.stripLeading();
        if (stripped.startsWith("#") || stripped.startsWith("!") || !stripped.startsWith(key)) {
            return false;
        }
        String rest = stripped.substring(key.length());
        return rest.isEmpty() || rest.charAt(0) == '=' || rest.charAt(0) == ':' || Character.isWhitespace(rest.charAt(0));
    }

    public void setDeliveryMailetParameter(String name, String value) {
        editXml("mailetcontainer.xml", document -> setChild(deliveryMailet(document), name, value));
    }

    public void removeDeliveryMailetParameter(String name) {
        editXml("mailetcontainer.xml", document -> {
            Element mailet = deliveryMailet(document);
            List<Element> parameters = children(mailet, name);
            if (parameters.isEmpty()) {
                throw new IllegalArgumentException("the " + DELIVERY_MAILET + " mailet has no parameter '" + name
                    + "' to remove");
            }
            parameters.forEach(mailet::removeChild);
        });
    }

    public void editXml(String fileName, Consumer<Document> edit) {
        Path file = directory.resolve(fileName);
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            Document document = factory.newDocumentBuilder().parse(file.toFile());
            edit.accept(document);
            TransformerFactory.newInstance().newTransformer()
                .transform(new DOMSource(document), new StreamResult(file.toFile()));
        } catch (ParserConfigurationException | SAXException | TransformerException e) {
            throw new IllegalStateException("cannot edit " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Element deliveryMailet(Document document) {
        List<Element> mailets = elements(document.getDocumentElement(), "mailet").stream()
            .filter(mailet -> DELIVERY_MAILET.equals(mailet.getAttribute("class")))
            .collect(Collectors.toList());
        if (mailets.size() != 1) {
            throw new IllegalStateException("mailetcontainer.xml must have exactly one " + DELIVERY_MAILET
                + " mailet for the harness to edit, it has " + mailets.size());
        }
        return mailets.get(0);
    }

    /** Sets the text of the element's only child named {@code name}, adding the child if there is none. */
    private static void setChild(Element parent, String name, String text) {
        List<Element> children = children(parent, name);
        if (children.size() > 1) {
            throw new IllegalStateException("<" + parent.getNodeName() + "> has " + children.size() + " <" + name
                + "> elements, expected at most one");
        }
        if (children.isEmpty()) {
            Element child = parent.getOwnerDocument().createElement(name);
            parent.appendChild(child);
            children = List.of(child);
        }
        children.get(0).setTextContent(text);
    }

    private static List<Element> children(Element parent, String name) {
        NodeList nodes = parent.getChildNodes();
        return IntStream.range(0, nodes.getLength())
            .mapToObj(nodes::item)
            .filter(node -> node.getNodeType() == Node.ELEMENT_NODE && node.getNodeName().equals(name))
            .map(Element.class::cast)
            .collect(Collectors.toList());
    }

    /** Descendant elements by tag name. */
    private static List<Element> elements(Element root, String tagName) {
        NodeList nodes = root.getElementsByTagName(tagName);
        return IntStream.range(0, nodes.getLength())
            .mapToObj(nodes::item)
            .map(Element.class::cast)
            .collect(Collectors.toList());
    }
}
