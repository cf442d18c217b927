package io.scanout.server.cli;

import picocli.CommandLine;

/** {@code --version}: the version the jar was built as. */
final class ScanoutVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = ScanoutVersion.class.getPackage().getImplementationVersion();
        return new String[] {"scanout " + (version == null ? "(development build)" : version)};
    }
}
