package org.dualflow.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time on a warehouse, and a dead run's lock does not block the next. */
class WarehouseLockTest {

  private static final Duration LEASE = Duration.ofMinutes(10);

  @TempDir
  Path dir;

  private FileSystem fs() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return FileSystem.get(dir.toUri(), conf);
  }

  private org.apache.hadoop.fs.Path root() {
    return new org.apache.hadoop.fs.Path(dir.resolve("wh").toString());
  }

  @Test
  void aSecondRunIsRefusedWhileTheFirstHoldsTheLockAndMayRunOnceItIsReleased()
      throws Exception {
    WarehouseLock first = WarehouseLock.acquire(fs(), root(), "run-1", LEASE);
    assertThat(Files.readString(dir.resolve("wh/_lock"))).contains("run_id=run-1",
        "pid=" + ProcessHandle.current().pid());
    assertThatThrownBy(() -> WarehouseLock.acquire(fs(), root(), "run-2", LEASE))
        .isInstanceOf(WarehouseLock.BusyException.class)
        .hasMessageStartingWith("Cannot run on warehouse " + root() + ": it is in use by run "
            + "run-1 (host ")
        .hasMessageContaining("wait until that run ends, or, if it is dead, remove "
            + root() + "/_lock (the lock lapses by itself at ");
    first.close();
    assertThat(dir.resolve("wh/_lock")).doesNotExist();
    WarehouseLock.acquire(fs(), root(), "run-2", LEASE).close();
  }

  @Test
  void aLockWhoseProcessEndedOnThisHostIsTakenOver() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Files.createDirectories(dir.resolve("wh"));
    Files.writeString(dir.resolve("wh/_lock"), new WarehouseLock.Holder("killed",
        InetAddress.getLocalHost().getHostName(), ended.pid(), "2026-01-01T00:00:00Z", 600)
        .text());
    try (WarehouseLock lock = WarehouseLock.acquire(fs(), root(), "next", LEASE)) {
      assertThat(Files.readString(dir.resolve("wh/_lock"))).contains("run_id=next");
    }
  }

  @Test
  void aLockNotRenewedForALeaseIsTakenOverAndARecentOneOfAnotherHostIsNot()
      throws Exception {
    Files.createDirectories(dir.resolve("wh"));
    Path lock = dir.resolve("wh/_lock");
    Files.writeString(lock, new WarehouseLock.Holder("elsewhere", "other-host", 1,
        "2026-01-01T00:00:00Z", 600).text());
    assertThatThrownBy(() -> WarehouseLock.acquire(fs(), root(), "next", LEASE))
        .isInstanceOf(WarehouseLock.BusyException.class)
        .hasMessageContaining("run elsewhere (host other-host, process 1");
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
    try (WarehouseLock taken = WarehouseLock.acquire(fs(), root(), "next", LEASE)) {
      assertThat(Files.readString(lock)).contains("run_id=next");
    }
  }

  @Test
  void theHolderRenewsItsLease() throws Exception {
    try (WarehouseLock lock = WarehouseLock.acquire(fs(), root(), "long-run",
        Duration.ofMillis(400))) {
      Path file = dir.resolve("wh/_lock");
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (Files.getLastModifiedTime(file).toInstant()
          .isBefore(Instant.now().minus(Duration.ofMinutes(1)))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(Files.getLastModifiedTime(file).toInstant())
          .isAfter(Instant.now().minus(Duration.ofMinutes(1)));
    }
  }

  @Test
  void aRunThatLostItsLockDuringAPauseIsToldBeforeItPublishes() throws Exception {
    try (WarehouseLock mine = WarehouseLock.acquire(fs(), root(), "paused", LEASE)) {
      mine.checkHeld();                                        // still ours: fine
      // Paused past its lease, another run took the warehouse over.
      Files.writeString(dir.resolve("wh/_lock"), new WarehouseLock.Holder("other", "h", 7,
          "2026-01-01T00:00:00Z", 600).text());
      assertThatThrownBy(mine::checkHeld).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Cannot publish run paused: it lost the lock on its "
              + "warehouse (" + root() + "/_lock) to run other");
    }
    // Not its lock any more: left to its holder.
    assertThat(Files.readString(dir.resolve("wh/_lock"))).contains("run_id=other");
  }
}
