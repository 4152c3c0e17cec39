package org.dualflow.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The local file system without forks: Hadoop's own sets each new file's and folder's
 * permissions by running {@code chmod} in a child process when its native library is missing
 * (the usual case outside Hadoop clusters). Writing a warehouse creates hundreds of files, and
 * those forks cost seconds (measured: 770 {@code chmod} processes for the 5,500-row sample).
 * This class sets them through java.nio instead. It is raw (no {@code .crc} side files), like
 * most Spark deployments on local disks.
 *
 * <p>Used for {@code file:} paths through {@code spark.hadoop.fs.file.impl}, which
 * {@code Main} sets unless the user did.
 */
public class NioLocalFileSystem extends RawLocalFileSystem {

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    try {
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
    } catch (UnsupportedOperationException e) {
      super.setPermission(p, permission);       // not a POSIX file system: Hadoop's way
    }
  }

  static Set<PosixFilePermission> posix(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        out.add(order[i]);
      }
    }
    return out;
  }
}
