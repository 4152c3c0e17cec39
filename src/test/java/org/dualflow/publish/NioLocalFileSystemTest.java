package org.dualflow.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class NioLocalFileSystemTest {
  @Test
  void octalModesBecomeTheSamePosixPermissions() {
    assertThat(PosixFilePermissions.toString(NioLocalFileSystem.posix(0644))).isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(NioLocalFileSystem.posix(0755))).isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(NioLocalFileSystem.posix(01777))).isEqualTo("rwxrwxrwx");
    assertThat(PosixFilePermissions.toString(NioLocalFileSystem.posix(0))).isEqualTo("---------");
  }
}
