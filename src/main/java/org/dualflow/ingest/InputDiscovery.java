package org.dualflow.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Expands input settings into files, on the driver, before any Spark work: a file, a directory
 * (its {@code .csv}, {@code .dat} (Eurostat's bulk files), {@code .txt} and {@code .tsv}
 * (Comtrade's bulk files) files, each plain or gzipped, and any {@code .gz}; not recursive) or
 * a glob.
 */
public final class InputDiscovery {

  private static final java.util.regex.Pattern DATA_FILE = java.util.regex.Pattern.compile(
      "(?i).*(\\.(csv|dat|txt|tsv)(\\.gz)?|\\.gz)");
  /** The notes a download folder carries beside its data (README.txt, LICENSE.txt). */
  private static final java.util.regex.Pattern DOCUMENT = java.util.regex.Pattern.compile(
      "(?i)(readme|notes?|licen[cs]e|changelog|changes|copying|metadata)([._ -].*)?\\.txt");

  /** A setting that matched no file; the caller turns it into a configuration error. */
  public static final class NoMatchException extends Exception {
    public NoMatchException(String message) {
      super(message, null, false, false);
    }
  }

  private InputDiscovery() {
  }

  /**
   * @param location a resolved path, directory or glob (local path or URI)
   * @return the matching files, sorted by path, each with its size
   * @throws NoMatchException when nothing matches
   * @throws InputFileException when a matching file is empty or unreadable
   */
  public static List<Ingest.InputRef> expand(String source, String location, Configuration conf)
      throws NoMatchException {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(conf);
      // A name that exists as written is taken as written: Comtrade's bulk files carry their
      // publication date in brackets (COMTRADE-FINAL-…[2024-01-15].gz), a glob's character
      // class.
      FileStatus[] matched = fs.exists(path) ? new FileStatus[] {fs.getFileStatus(path)}
          : fs.globStatus(path);
      if (matched == null || matched.length == 0) {
        throw new NoMatchException("no file or directory matches");
      }
      Map<String, FileStatus> files = new LinkedHashMap<>();
      for (FileStatus s : matched) {
        if (s.isDirectory()) {
          for (FileStatus child : fs.listStatus(s.getPath())) {
            String name = child.getPath().getName();
            if (child.isFile() && !name.startsWith(".") && !name.startsWith("_")
                && DATA_FILE.matcher(name).matches() && !DOCUMENT.matcher(name).matches()) {
              files.put(child.getPath().toString(), child);
            }
          }
        } else {
          files.put(s.getPath().toString(), s);
        }
      }
      if (files.isEmpty()) {
        throw new NoMatchException("the directory holds no .csv, .dat, .txt, .tsv or .gz file");
      }
      List<Ingest.InputRef> out = new ArrayList<>();
      for (FileStatus s : files.values()) {
        String uri = s.getPath().toString();
        if (s.getLen() == 0) {
          throw new InputFileException("Cannot read " + uri + ": the file is empty (0 bytes); "
              + "remove it from the input or download it again");
        }
        if ("file".equals(s.getPath().toUri().getScheme())
            // The decoded path, not Path.of(URI): Hadoop's URIs leave non-ASCII names unescaped.
            && !java.nio.file.Files.isReadable(java.nio.file.Path.of(s.getPath().toUri().getPath()))) {
          throw new InputFileException("Cannot read " + uri + ": permission denied; make it "
              + "readable (chmod a+r) or copy it elsewhere");
        }
        out.add(new Ingest.InputRef(source, uri, s.getLen()));
      }
      out.sort(Comparator.comparing(Ingest.InputRef::uri));
      return out;
    } catch (IOException e) {
      throw new InputFileException("Cannot list " + location + ": " + e.getMessage(), e);
    }
  }
}
