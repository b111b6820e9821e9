package dev.scepter.certmaster.core;

import java.util.List;

/** RFC 5280 section 5.3.1 CRLReason codes the core takes (7 is unused; 8, removeFromCRL, only undoes a hold). */
public record RevocationReason(int code, String label) {

    public static final List<RevocationReason> CHOICES = List.of(
            new RevocationReason(0, "Unspecified"),
            new RevocationReason(1, "Key compromise"),
            new RevocationReason(3, "Affiliation changed"),
            new RevocationReason(4, "Superseded"),
            new RevocationReason(5, "Cessation of operation"),
            new RevocationReason(6, "Certificate hold"),
            new RevocationReason(9, "Privilege withdrawn"));

    public static boolean allowed(int code) {
        return CHOICES.stream().anyMatch(choice -> choice.code() == code);
    }

    public static String name(int code) {
        return switch (code) {
            case 0 -> "Unspecified";
            case 1 -> "Key compromise";
            case 2 -> "CA compromise";
            case 3 -> "Affiliation changed";
            case 4 -> "Superseded";
            case 5 -> "Cessation of operation";
            case 6 -> "Certificate hold";
            case 8 -> "Remove from CRL";
            case 9 -> "Privilege withdrawn";
            case 10 -> "AA compromise";
            default -> "Code " + code;
        };
    }
}
