package io.srlm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Process memory from Linux's /proc/self/status: resident set size (VmRSS) and its high-water mark (VmHWM), in
 * bytes. Native memory (libtorch tensors, tokenizers) shows up here and not in the Java heap figures. Elsewhere
 * the values are -1.
 */
public final class ProcStatus {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcStatus() {}

  /** Current resident set size in bytes, or -1 when /proc is not there. */
  public static long rssBytes() {
    return field("VmRSS:");
  }

  /** Peak resident set size in bytes since the process started (or since {@link #resetPeak}), or -1. */
  public static long peakRssBytes() {
    return field("VmHWM:");
  }

  /**
   * Resets the peak (VmHWM) to the current RSS by writing 5 to /proc/self/clear_refs (Linux 4.0+), so the next
   * {@link #peakRssBytes} is the peak of what ran in between. Returns false when that is not possible; the peak is
   * then the process's.
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** Java heap in use (total minus free) in bytes. */
  public static long heapUsedBytes() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  static long field(String name) {
    try {
      List<String> lines = Files.readAllLines(STATUS, StandardCharsets.UTF_8);
      for (String l : lines) {
        if (l.startsWith(name)) {
          String[] parts = l.substring(name.length()).trim().split("\\s+");
          long v = Long.parseLong(parts[0]);
          return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
        }
      }
      return -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Bytes (or a difference of bytes) as MiB with one decimal. */
  public static double mib(long bytes) {
    return Math.round(bytes / 1048576.0 * 10) / 10.0;
  }

  /** A reading from this class as MiB, NaN when it is unknown (-1). */
  public static double readingMib(long bytes) {
    return bytes < 0 ? Double.NaN : mib(bytes);
  }
}
