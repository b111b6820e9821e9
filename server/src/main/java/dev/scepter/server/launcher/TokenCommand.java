package dev.scepter.server.launcher;

import dev.scepter.authority.store.Storage;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.installer.StorageFactory;
import dev.scepter.settings.InvalidSettingException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Scoped bearer tokens for the core's API, stored hashed; a token's value is printed once.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand implements Runnable {

    private static final String ACTOR = "bin/scepter token";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs an action against the installation's token store, closing it after. */
    static int withTokens(DataDirOptions data, java.util.function.Function<ApiTokens, Integer> action) {
        try (Storage storage = StorageFactory.open(data.dataDir(), data.settings())) {
            return action.apply(new ApiTokens(storage.apiTokenStore(), storage.auditLog(), Clock.systemUTC(), new SecureRandom()));
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("token: " + e.getMessage());
            return 1;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a token and prints its value once, on stdout.")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Option(names = "--role", required = true, arity = "1..*", paramLabel = "ROLE",
                description = "A role the token holds (repeatable): CSR.Request, CSR.Request.Db, CSR.Request.Direct, "
                        + "CSR.SelfService, Manage.All, Challenge.Create, Directory.Manage.")
        List<String> roles;

        @Option(names = "--name", paramLabel = "NAME", description = "A unique name (default: generated).")
        String name;

        @Option(names = "--expires", paramLabel = "DAYS", description = "Days until the token stops working (default: never).")
        Integer expiresDays;

        @Override
        public Integer call() {
            Set<ApiRole> parsed = EnumSet.noneOf(ApiRole.class);
            for (String role : roles) {
                Optional<ApiRole> known = ApiRole.fromValue(role);
                if (known.isEmpty()) {
                    System.err.println("--role " + role + ": not a role; known roles: "
                            + EnumSet.allOf(ApiRole.class).stream().map(ApiRole::value).collect(Collectors.joining(", ")));
                    return 2;
                }
                parsed.add(known.get());
            }
            if (expiresDays != null && expiresDays < 1) {
                System.err.println("--expires must be at least 1 day");
                return 2;
            }
            String tokenName = name != null ? name : "token-" + UUID.randomUUID().toString().substring(0, 8);
            return withTokens(data, tokens -> {
                ApiTokens.Created created = tokens.create(ACTOR, tokenName, parsed,
                        Optional.ofNullable(expiresDays).map(Duration::ofDays));
                System.err.println("Created token " + tokenName + " with roles "
                        + parsed.stream().map(ApiRole::value).collect(Collectors.joining(", ")) + "; its value follows, shown once:");
                System.out.println(created.value());
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists tokens (names, roles, expiry; never values).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Override
        public Integer call() {
            return withTokens(data, tokens -> {
                for (ApiToken token : tokens.list()) {
                    System.out.printf("%s\t%s\tcreated %s\t%s%n", token.name(),
                            token.roles().stream().map(ApiRole::value).sorted().collect(Collectors.joining(",")),
                            token.createdAt(), token.expiresAt().map(t -> "expires " + t).orElse("never expires"));
                }
                return 0;
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a token by name.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return withTokens(data, tokens -> {
                if (tokens.revoke(ACTOR, name)) {
                    System.out.println("Revoked token " + name);
                    return 0;
                }
                System.err.println("No token named " + name);
                return 1;
            });
        }
    }
}
