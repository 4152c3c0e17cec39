package org.dualflow.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One run at a time on a warehouse. A run holds {@code <warehouse>/_lock} from before it looks
 * at earlier runs' leftovers until it has cleaned up: without it, a second run would take the
 * first one's staged tables for an abandoned run's and delete or replay them.
 *
 * <p>The lock file is created atomically (exclusive create: {@code O_EXCL} on a local disk, the
 * name node's check on HDFS) and names its holder: run id, host, process id, start time and
 * lease. The holder renews the lease (the file's modification time) every quarter lease; a
 * lock not renewed for a whole lease belongs to a run that died, and the next run takes it
 * over. So does a lock whose holder ran on this host as a process that no longer exists (a
 * killed run), without waiting for the lease.
 *
 * <p>Taking over an expired lock is a delete and a new exclusive create: two runs that find the
 * same expired lock in the same instant may both pass. Schedule runs on one warehouse one at a
 * time; the lock is the guard against mistakes, not a scheduler.
 */
public final class WarehouseLock implements AutoCloseable {

  private static final Logger LOG = LogManager.getLogger(WarehouseLock.class);

  static final String FILE = "_lock";

  /** How long a lock lives without renewal: far above a GC pause or a slow name node. */
  public static final Duration LEASE = Duration.ofMinutes(10);

  /** Another run holds the warehouse. */
  public static final class BusyException extends RuntimeException {
    BusyException(String message) {
      super(message);
    }
  }

  /** Who holds a lock, as its file says. */
  record Holder(String runId, String host, long pid, String started, long leaseSeconds) {

    String text() {
      return "run_id=" + runId + "\nhost=" + host + "\npid=" + pid + "\nstarted=" + started
          + "\nlease_seconds=" + leaseSeconds + "\n";
    }

    static Holder parse(String text) {
      Properties p = new Properties();
      try {
        p.load(new StringReader(text));
        return new Holder(p.getProperty("run_id", "?"), p.getProperty("host", "?"),
            Long.parseLong(p.getProperty("pid", "-1")), p.getProperty("started", "?"),
            Long.parseLong(p.getProperty("lease_seconds", String.valueOf(LEASE.toSeconds()))));
      } catch (IOException | NumberFormatException e) {
        return null;    // being written, or not ours: judged by its age alone
      }
    }
  }

  private final FileSystem fs;
  private final Path lock;
  private final Holder holder;
  private final ScheduledExecutorService renewer;

  private WarehouseLock(FileSystem fs, Path lock, Holder holder, Duration lease) {
    this.fs = fs;
    this.lock = lock;
    this.holder = holder;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dualflow-lock-renewer");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, lease.toMillis() / 4);
    renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock on the warehouse {@code root} (created if missing) for run {@code runId}.
   *
   * @throws BusyException when another run holds it, naming that run and what to do
   */
  public static WarehouseLock acquire(FileSystem fs, Path root, String runId, Duration lease) {
    Path lock = new Path(root, FILE);
    Holder me = new Holder(runId, hostName(), ProcessHandle.current().pid(),
        Instant.now().toString(), lease.toSeconds());
    try {
      fs.mkdirs(root);
      for (int attempt = 0; attempt < 3; attempt++) {
        if (createExclusive(fs, lock, me.text())) {
          LOG.debug("Run {} holds {}", runId, lock);
          return new WarehouseLock(fs, lock, me, lease);
        }
        FileStatus status;
        String text;
        try {
          status = fs.getFileStatus(lock);
          try (InputStream in = fs.open(lock)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        } catch (java.io.FileNotFoundException released) {
          continue;                                  // released meanwhile: try again
        }
        Holder other = Holder.parse(text);
        long leaseMillis = other == null ? lease.toMillis() : other.leaseSeconds() * 1000;
        Instant expires = Instant.ofEpochMilli(status.getModificationTime() + leaseMillis);
        String who = other == null ? "another run" : "run " + other.runId() + " (host "
            + other.host() + ", process " + other.pid() + ", started " + other.started() + ")";
        if (isDead(other)) {
          LOG.warn("Taking over the lock on {} from {}, which no longer runs", root, who);
        } else if (Instant.now().isAfter(expires)) {
          LOG.warn("Taking over the lock on {} from {}, not renewed since {}", root, who,
              Instant.ofEpochMilli(status.getModificationTime()));
        } else {
          throw new BusyException("Cannot run on warehouse " + root + ": it is in use by "
              + who + "; wait until that run ends, or, if it is dead, remove "
              + lock + " (the lock lapses by itself at " + expires + ")");
        }
        fs.delete(lock, false);
      }
      throw new BusyException("Cannot take the lock " + lock + ": other runs keep taking it");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot take the lock " + lock, e);
    }
  }

  /** An exclusive create: false when the file exists. */
  private static boolean createExclusive(FileSystem fs, Path lock, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if ("file".equals(fs.getUri().getScheme())) {
      // Hadoop's local create checks and then creates: not atomic. The JDK's CREATE_NEW is.
      try {
        Files.write(java.nio.file.Path.of(fs.makeQualified(lock).toUri()), bytes,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(lock, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /** True when the holder ran on this host as a process that has ended. */
  private static boolean isDead(Holder other) {
    return other != null && other.host().equals(hostName()) && other.pid() > 0
        && ProcessHandle.of(other.pid()).map(p -> !p.isAlive()).orElse(true);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Renews the lease; never throws (a throwing task would stop all later renewals). */
  private void renew() {
    try {
      fs.setTimes(lock, System.currentTimeMillis(), -1);
    } catch (Throwable e) {
      LOG.warn("Cannot renew the lock {}: {}", lock, e.getMessage());
    }
  }

  /**
   * Checks that the lock is still this run's. A run paused for longer than the lease (a
   * laptop asleep, a stopped process) may have lost it to another run, which will have removed
   * this run's staged tables: publishing then would be wrong.
   *
   * @throws IllegalStateException when another run holds the lock, or none does
   */
  public void checkHeld() {
    Holder now;
    try (InputStream in = fs.open(lock)) {
      now = Holder.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      now = null;
    }
    if (now == null || !now.runId().equals(holder.runId())) {
      throw new IllegalStateException("Cannot publish run " + holder.runId() + ": it lost the "
          + "lock on its warehouse (" + lock + ") to " + (now == null ? "nobody"
              : "run " + now.runId()) + ", probably after a pause longer than the lease; "
          + "nothing was published, run it again");
    }
  }

  /** Stops renewing and removes the lock, when it is still this run's. */
  @Override
  public void close() {
    renewer.shutdownNow();
    try (InputStream in = fs.open(lock)) {
      Holder now = Holder.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      if (now != null && now.runId().equals(holder.runId())) {
        fs.delete(lock, false);
      } else {
        LOG.warn("The lock {} is no longer run {}'s; left as it is", lock, holder.runId());
      }
    } catch (IOException e) {
      LOG.warn("Cannot release the lock {}: {}", lock, e.getMessage());
    }
  }
}
