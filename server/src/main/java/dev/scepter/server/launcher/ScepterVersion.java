package dev.scepter.server.launcher;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (set by the build), or "development" when run from classes. */
public final class ScepterVersion implements IVersionProvider {

    public static String current() {
        String version = ScepterVersion.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Scepter " + current()};
    }
}
