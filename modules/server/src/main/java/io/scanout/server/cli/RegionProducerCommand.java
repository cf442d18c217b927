package io.scanout.server.cli;

import io.scanout.capture.region.RegionProducer;
import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scanout region-producer PATH}: emulates a vGPU answering the framebuffer-region protocol
 * with the test pattern, so {@code scanout serve --source region:PATH} runs on any machine.
 */
@Command(name = "region-producer", mixinStandardHelpOptions = true,
        description = "Emulates a vGPU: answers the framebuffer-region protocol at PATH with an animated pattern.")
public final class RegionProducerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The region file to create, e.g. /dev/shm/scanout-fb.")
    Path path;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "1280x720",
            description = "Frame size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "60", description = "Frame rate (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--format", paramLabel = "FOURCC", defaultValue = "XR24",
            description = "An RGB DRM format: XR24, AR24, XB24, AB24, RG24, BG24, RG16, XR30, AR30 (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() throws InterruptedException {
        RegionProducer producer;
        try {
            int[] wh = VideoFormat.parseSize(size);
            producer = RegionProducer.start(path, new VideoFormat(DrmFormat.parse(format), wh[0], wh[1]), fps);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            producer.close();
            stopped.countDown();
        }, "scanout-region-producer-shutdown"));
        spec.commandLine().getOut().println("answering at " + path + "; stream it with: scanout serve --source region:"
                + path);
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
