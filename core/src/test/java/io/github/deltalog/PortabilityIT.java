package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * Portability checks on the packaged artifacts, run by failsafe after {@code package}: the core jar and its
 * runtime dependency jars carry no native library, neither core's classes nor its one dependency's (h2-mvstore)
 * reference {@code sun.misc.Unsafe}, {@code java.lang.foreign} or native library loading, the jar has the JPMS name
 * {@code io.github.deltalog.core}, and core plus its dependencies stay within 3 MB (the figure is printed).
 * Run alone with {@code mvn -B verify -pl core -Dtest=none -Dit.test=PortabilityIT}.
 */
class PortabilityIT {
    private static final long SIZE_LIMIT = 3L * 1024 * 1024;
    private static final Pattern NATIVE_LIBRARY = Pattern.compile(".*\\.(so(\\.[0-9]+)*|dll|dylib|jnilib)$");
    private static final String[] BANNED_TYPES = {"sun/misc/Unsafe", "jdk/internal/misc/Unsafe", "java/lang/foreign/"};

    private static Path coreJar() {
        return ModuleApps.coreJar();
    }

    private static List<Path> dependencyJars() throws IOException {
        List<Path> jars = ModuleApps.dependencyJars();
        // h2-mvstore only: the value codec writes and reads Kryo's bytes itself, so Kryo is not needed at run time.
        assertEquals(1, jars.size(), "runtime dependencies: " + jars);
        return jars;
    }

    @Test
    void noJarCarriesANativeLibrary() throws IOException {
        List<Path> jars = new ArrayList<>(dependencyJars());
        jars.add(0, coreJar());
        List<String> found = new ArrayList<>();
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                for (Enumeration<? extends ZipEntry> e = j.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (NATIVE_LIBRARY.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
                        found.add(jar.getFileName() + "!/" + name);
                    }
                }
            }
        }
        assertEquals(List.of(), found, "native libraries");
    }

    @Test
    void coreClassesReferenceNoUnsafeForeignOrNativeLoading() throws IOException {
        List<String> found = new ArrayList<>();
        int classes = scan(coreJar(), found);
        assertTrue(classes > 20, "only " + classes + " classes in the core jar");
        assertEquals(List.of(), found, "banned references");
    }

    /** Nor do the runtime dependencies': nothing on core's class path can reach sun.misc.Unsafe on any JDK. */
    @Test
    void dependencyClassesReferenceNoUnsafeForeignOrNativeLoading() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path jar : dependencyJars()) {
            scan(jar, found);
        }
        assertEquals(List.of(), found, "banned references");
    }

    private static int scan(Path jar, List<String> found) throws IOException {
        int classes = 0;
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = j.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                classes++;
                try (InputStream in = j.getInputStream(entry)) {
                    for (String problem : bannedReferences(new DataInputStream(in))) {
                        found.add(jar.getFileName() + "!/" + entry.getName() + ": " + problem);
                    }
                }
            }
        }
        return classes;
    }

    @Test
    void coreJarHasItsModuleName() throws IOException {
        Path jar = coreJar();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertEquals(
                    "io.github.deltalog.core",
                    j.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
        }
        List<ModuleReference> modules = new ArrayList<>(ModuleFinder.of(jar).findAll());
        assertEquals(1, modules.size());
        assertEquals("io.github.deltalog.core", modules.get(0).descriptor().name());
        assertTrue(modules.get(0).descriptor().packages().contains("io.github.deltalog"));
    }

    @Test
    void coreAndDependenciesFitInThreeMegabytes() throws IOException {
        Path core = coreJar();
        long total = Files.size(core);
        StringBuilder line = new StringBuilder("deltalog-core footprint: ")
                .append(core.getFileName())
                .append(' ')
                .append(Files.size(core));
        for (Path jar : dependencyJars()) {
            total += Files.size(jar);
            line.append(" + ").append(jar.getFileName()).append(' ').append(Files.size(jar));
        }
        line.append(" = ")
                .append(total)
                .append(" bytes (limit ")
                .append(SIZE_LIMIT)
                .append(')');
        System.out.println(line);
        assertTrue(total <= SIZE_LIMIT, line.toString());
    }

    /**
     * Parses a class file's constant pool (JVMS 4.4; {@code readUTF} decodes its modified UTF-8) and returns what it references that core must not: the
     * banned types (in class entries and descriptors), their names as strings (reflection), and calls of
     * {@code System/Runtime.load/loadLibrary}.
     */
    private static Set<String> bannedReferences(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            fail("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        int[][] memberRef = new int[count][]; // {class index, name-and-type index}
        int[] natName = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNameIndex[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
                case 9, 10, 11 -> memberRef[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 12 -> {
                    natName[i] = in.readUnsignedShort();
                    in.readUnsignedShort();
                }
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // a long or double takes two slots
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 17, 18 -> in.readInt(); // Dynamic, InvokeDynamic
                default -> fail("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> found = new TreeSet<>();
        for (String s : utf8) {
            if (s == null) {
                continue;
            }
            for (String banned : BANNED_TYPES) {
                if (s.contains(banned) || s.contains(banned.replace('/', '.'))) {
                    found.add("references " + banned);
                }
            }
            if (s.equals("loadLibrary")) {
                found.add("names loadLibrary");
            }
        }
        for (int[] ref : memberRef) {
            if (ref == null) {
                continue;
            }
            String owner = utf8[classNameIndex[ref[0]]];
            String name = utf8[natName[ref[1]]];
            if (("java/lang/System".equals(owner) || "java/lang/Runtime".equals(owner))
                    && ("load".equals(name) || "loadLibrary".equals(name))) {
                found.add("calls " + owner + "." + name);
            }
        }
        return found;
    }
}
