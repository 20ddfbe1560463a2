package io.github.tiereddelivery.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class JamesConfFolderTest {
    @TempDir
    Path temp;

    private JamesConfFolder conf;

    @BeforeEach
    void copyProjectConf() {
        conf = JamesConfFolder.copyOf(Path.of(System.getProperty("tiered.conf.dir")), temp.resolve("conf"));
    }

    @Test
    void copyHasEveryFileOfTheProjectConf() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("tiered.conf.dir")))) {
            files.forEach(file -> assertThat(conf.directory().resolve(file.getFileName().toString()))
                .hasSameTextualContentAs(file));
        }
    }

    @Test
    void presentMailetParameterIsReplaced() throws Exception {
        conf.setDeliveryMailetParameter("maxRetries", "1");

        assertThat(deliveryMailetParameters()).contains("maxRetries=1").doesNotContain("maxRetries=3");
    }

    @Test
    void absentMailetParameterIsAdded() throws Exception {
        conf.setDeliveryMailetParameter("dnsServers", "127.0.0.1:5353");

        assertThat(deliveryMailetParameters()).contains("dnsServers=127.0.0.1:5353");
    }

    @Test
    void mailetParameterIsRemoved() throws Exception {
        conf.removeDeliveryMailetParameter("sendpartial");

        assertThat(deliveryMailetParameters()).noneMatch(parameter -> parameter.startsWith("sendpartial="));
    }

    @Test
    void removingAParameterTheMailetLacksFails() {
        assertThatThrownBy(() -> conf.removeDeliveryMailetParameter("noSuchParameter"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("noSuchParameter");
    }

    @Test
    void onlyEnabledSmtpListenersAreRebound() throws Exception {
        conf.bindSmtpListeners("127.0.0.1:0");

        assertThat(childTexts(parse("smtpserver.xml"), "smtpserver", "bind"))
            .containsExactly("127.0.0.1:0", "0.0.0.0:465", "0.0.0.0:587");
    }

    @Test
    void editedXmlKeepsItsComments() throws Exception {
        conf.setDeliveryMailetParameter("maxRetries", "1");

        assertThat(Files.readString(conf.directory().resolve("mailetcontainer.xml")))
            .contains("Licensed to the Apache Software Foundation")
            .contains("Tiered Delivery replaces the stock RemoteDelivery mailet");
    }

    @Test
    void propertyIsReplacedAndTheRestOfTheFileKept() throws Exception {
        conf.setProperty("webadmin.properties", "port", "0");

        List<String> lines = Files.readAllLines(conf.directory().resolve("webadmin.properties"));
        assertThat(lines).contains("port=0", "enabled=true", "#  Licensed to the Apache Software Foundation (ASF) under one")
            .doesNotContain("port=8000");
    }

    @Test
    void absentPropertyIsAddedAndItsCommentedOutExampleKept() throws Exception {
        conf.setProperty("webadmin.properties", "jwt.enabled", "false");

        assertThat(Files.readAllLines(conf.directory().resolve("webadmin.properties")))
            .contains("#jwt.enabled=true")
            .endsWith("jwt.enabled=false");
    }

    @Test
    void folderWithoutMailetcontainerIsRefused() {
        assertThatThrownBy(() -> JamesConfFolder.copyOf(temp, temp.resolve("copy")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not a James configuration folder");
    }

    private List<String> deliveryMailetParameters() throws Exception {
        NodeList mailets = parse("mailetcontainer.xml").getElementsByTagName("mailet");
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < mailets.getLength(); i++) {
            Element mailet = (Element) mailets.item(i);
            if (mailet.getAttribute("class").equals(JamesConfFolder.DELIVERY_MAILET)) {
                NodeList children = mailet.getChildNodes();
                for (int j = 0; j < children.getLength(); j++) {
                    if (children.item(j).getNodeType() == Node.ELEMENT_NODE) {
                        parameters.add(children.item(j).getNodeName() + "=" + children.item(j).getTextContent());
                    }
                }
            }
        }
        return parameters;
    }

    private static List<String> childTexts(Document document, String parentTag, String childTag) {
        NodeList parents = document.getElementsByTagName(parentTag);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < parents.getLength(); i++) {
            texts.add(((Element) parents.item(i)).getElementsByTagName(childTag).item(0).getTextContent());
        }
        return texts;
    }

    private Document parse(String fileName) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(conf.directory().resolve(fileName).toFile());
    }
}
