package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The build's own check that {@code cairn-bom} lists every published module: each module of the parent pom whose
 * packaging is not {@code pom} and that does not set {@code maven.deploy.skip}, once, at {@code ${project.version}},
 * and nothing else; and that the BOM, which has no parent, carries the parent's group and version.
 */
class BomTest {

    /** The project's root: the engine's tests run in the engine's folder. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static Document read(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), pom + " exists");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of the child elements of {@code parent} named {@code name}. */
    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE && nodes.item(i).getNodeName().equals(name)) {
                found.add((Element) nodes.item(i));
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    @Test
    void theBomListsEveryPublishedModuleAtTheProjectVersionAndNothingElse() throws Exception {
        Element parent = read(ROOT.resolve("pom.xml")).getDocumentElement();
        List<String> published = new ArrayList<>();
        for (Element module : children(child(parent, "modules"), "module")) {
            Element pom = read(ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml")).getDocumentElement();
            Element properties = child(pom, "properties");
            boolean skipped = properties != null && "true".equals(text(properties, "maven.deploy.skip"));
            String packaging = text(pom, "packaging");
            if (!skipped && !"pom".equals(packaging)) {
                published.add(text(pom, "artifactId"));
            }
        }
        assertTrue(published.contains("cairn-engine"), "the modules were read: " + published);

        Element bom = read(ROOT.resolve("bom").resolve("pom.xml")).getDocumentElement();
        assertTrue(children(child(parent, "modules"), "module").stream()
                .anyMatch(m -> m.getTextContent().trim().equals("bom")), "the bom is a module of the parent");
        assertEquals(text(parent, "groupId"), text(bom, "groupId"));
        assertEquals(text(parent, "version"), text(bom, "version"), "the BOM's version follows the parent's");
        assertEquals("pom", text(bom, "packaging"));

        List<String> listed = new ArrayList<>();
        for (Element dependency : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            String artifact = text(dependency, "artifactId");
            assertEquals("dev.cairn", text(dependency, "groupId"), artifact);
            assertEquals("${project.version}", text(dependency, "version"), artifact);
            listed.add(artifact);
        }
        List<String> missing = new ArrayList<>(published);
        missing.removeAll(listed);
        List<String> extra = new ArrayList<>(listed);
        extra.removeAll(published);
        assertTrue(missing.isEmpty(), "modules missing from bom/pom.xml: " + missing);
        assertTrue(extra.isEmpty(), "bom/pom.xml lists artifacts that are no published module: " + extra);
        assertEquals(listed.size(), Set.copyOf(listed).size(), "each artifact once: " + listed);
    }
}
