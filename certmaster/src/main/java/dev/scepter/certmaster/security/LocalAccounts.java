package dev.scepter.certmaster.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The portal's own accounts, for an installation without an identity provider:
 * {@code certmaster-users.json} in the data folder (0600), each password hashed by Spring
 * Security's delegating encoder ({@code {bcrypt}...}). On first start it holds one account,
 * {@value #ADMIN}, with {@code Admin.Full}, whose generated password is written to
 * {@value #ADMIN_PASSWORD_FILE} (0600) for the operator to read once.
 */
public final class LocalAccounts {

    public static final String USERS_FILE = "certmaster-users.json";
    public static final String ADMIN_PASSWORD_FILE = "certmaster-admin-password";
    public static final String ADMIN = "admin";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** No look-alike characters (0/O, 1/l/I): the password is read from a file and typed. */
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int PASSWORD_LENGTH = 24;

    private LocalAccounts() {
    }

    /** The accounts of {@code folder}, made (with the admin account) on first start. */
    public static List<UserDetails> open(Path folder, PasswordEncoder encoder, SecureRandom random) {
        Path users = folder.resolve(USERS_FILE);
        try {
            if (!Files.exists(users)) {
                createAdmin(folder, encoder, random);
            }
            return read(users);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create Certificate Master's accounts in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void createAdmin(Path folder, PasswordEncoder encoder, SecureRandom random) throws IOException {
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        ObjectNode json = JSON.createObjectNode();
        ObjectNode admin = json.putArray("users").addObject();
        admin.put("name", ADMIN);
        admin.put("password", encoder.encode(password));
        admin.putArray("roles").add(PortalRoles.ADMIN_FULL);
        // The password file first: an accounts file without it would lock the operator out.
        Path passwordFile = folder.resolve(ADMIN_PASSWORD_FILE);
        Files.deleteIfExists(passwordFile);
        writeSecret(passwordFile, (password + "\n").getBytes(StandardCharsets.UTF_8));
        writeSecret(folder.resolve(USERS_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }

    private static List<UserDetails> read(Path file) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IOException(file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        List<UserDetails> accounts = new ArrayList<>();
        for (JsonNode user : json.path("users")) {
            String name = user.path("name").asString("");
            String hash = user.path("password").asString("");
            if (name.isEmpty() || hash.isEmpty()) {
                throw new IOException(file + " has an account without \"name\" or \"password\"");
            }
            String problem = PersonName.problem(name.strip());
            if (problem != null) {
                // The core records the name of whoever acts: an account it would refuse could sign in and then do nothing.
                throw new IOException(file + ": the account name \"" + SignInLog.printable(name) + "\" cannot be recorded in the CA's audit trail: "
                        + problem);
            }
            List<SimpleGrantedAuthority> roles = new ArrayList<>();
            for (JsonNode role : user.path("roles")) {
                if (!PortalRoles.ALL.contains(role.asString(""))) {
                    throw new IOException(file + ": account " + name + " has the role \"" + role.asString("")
                            + "\", which is none of Certificate Master's (" + String.join(", ", new java.util.TreeSet<>(PortalRoles.ALL)) + ")");
                }
                roles.add(new SimpleGrantedAuthority(role.asString()));
            }
            accounts.add(User.withUsername(name).password(hash).authorities(roles).build());
        }
        return accounts;
    }

    /**
     * Created readable by the owner only from the first byte on (no window with wider permissions),
     * and written through the channel that created it: never reopened by its name, so a link
     * planted at that name is neither followed nor written through.
     */
    static void writeSecret(Path file, byte[] content) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try (SeekableByteChannel channel = posix
                ? Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.newByteChannel(file, options)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
