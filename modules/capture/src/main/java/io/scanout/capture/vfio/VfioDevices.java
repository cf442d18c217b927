package io.scanout.capture.vfio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds and opens VFIO devices by what a user writes: an mdev UUID, a PCI address, or the
 * device's sysfs directory.
 */
public final class VfioDevices {
    /** Where the kernel lists mediated devices. */
    public static final Path MDEV_DEVICES = Path.of("/sys/bus/mdev/devices");
    public static final Path PCI_DEVICES = Path.of("/sys/bus/pci/devices");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern PCI = Pattern.compile("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");

    private VfioDevices() {
    }

    /**
     * The sysfs directory a target names: an absolute path as is, a UUID under
     * {@link #MDEV_DEVICES}, a PCI address ({@code 0000:00:02.0}) under {@link #PCI_DEVICES}.
     *
     * @throws IllegalArgumentException for anything else, saying what is accepted
     */
    public static Path sysfsPath(String target) {
        if (target.startsWith("/")) {
            return Path.of(target);
        }
        if (UUID.matcher(target).matches()) {
            return MDEV_DEVICES.resolve(target);
        }
        if (PCI.matcher(target).matches()) {
            return PCI_DEVICES.resolve(target);
        }
        throw new IllegalArgumentException("'" + target + "' is not a VFIO device: write an mdev UUID"
                + " (e.g. 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001), a PCI address (e.g. 0000:00:02.0) or a sysfs path");
    }

    /**
     * Opens a device for display capture. Blocks for the few system calls that takes.
     *
     * @throws VfioException naming the step that failed (no such device, no IOMMU group, the group
     *                       busy or not viable, an ioctl's errno)
     */
    public static GfxDevice open(String target) {
        return VfioGfxDevice.open(sysfsPath(target));
    }

    /** The mediated devices on this machine, by sysfs path; empty when there are none (or no mdev support). */
    public static List<Path> mediatedDevices() {
        if (!Files.isDirectory(MDEV_DEVICES)) {
            return List.of();
        }
        try (Stream<Path> devices = Files.list(MDEV_DEVICES)) {
            return devices.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + MDEV_DEVICES, e);
        }
    }
}
