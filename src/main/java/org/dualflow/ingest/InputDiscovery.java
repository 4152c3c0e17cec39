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
 * (Comtrade's bulk files) files, each plain or gzipped, any {@code .gz}, archives and Excel
 * workbooks; not recursive) or a glob. Archives and workbooks expand into their data files and
 * sheets.
 */
public final class InputDiscovery {

  private static final java.util.regex.Pattern DATA_FILE = java.util.regex.Pattern.compile(
      "(?i).*(\\.(csv|dat|txt|tsv)(\\.gz)?|\\.gz|\\.zip|\\.7z|\\.xlsx|\\.xls)");
  private static final java.util.regex.Pattern ZIP = java.util.regex.Pattern.compile(
      "(?i).*\\.zip");
  private static final java.util.regex.Pattern SEVEN_Z = java.util.regex.Pattern.compile(
      "(?i).*\\.7z");
  private static final java.util.regex.Pattern WORKBOOK = java.util.regex.Pattern.compile(
      "(?i).*\\.xlsx");
  /** Excel's binary format before 2007, which is not read. */
  private static final java.util.regex.Pattern OLD_WORKBOOK = java.util.regex.Pattern.compile(
      "(?i).*\\.xls");

  /** What separates an archive's URI from the name of a file in it, as in a jar URL. */
  public static final String IN_ARCHIVE = "!/";
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
        throw new NoMatchException("the directory holds no .csv, .dat, .txt, .tsv, .gz, .zip, "
            + ".7z or .xlsx file");
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
        if (OLD_WORKBOOK.matcher(s.getPath().getName()).matches()) {
          throw new InputFileException("Cannot read " + uri + ": it is an Excel 97-2003 workbook "
              + "(.xls), which is not read; save it as .xlsx (Excel Workbook) or as CSV");
        }
        if (WORKBOOK.matcher(s.getPath().getName()).matches()) {
          out.addAll(sheets(source, fs, s));
        } else if (ZIP.matcher(s.getPath().getName()).matches()) {
          out.addAll(entries(source, fs, s));
        } else if (SEVEN_Z.matcher(s.getPath().getName()).matches()) {
          out.addAll(sevenZipEntries(source, s));
        } else {
          out.add(new Ingest.InputRef(source, uri, s.getLen()));
        }
      }
      out.sort(Comparator.comparing(Ingest.InputRef::uri));
      return out;
    } catch (IOException e) {
      throw new InputFileException("Cannot list " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * The data files in a zip archive, each an input of its own ({@code archive.zip!/name.csv}),
   * read straight from the archive, never unpacked to disk. Folders and notes in it are
   * passed over; an archive without data files is refused.
   */
  private static List<Ingest.InputRef> entries(String source, FileSystem fs, FileStatus zip)
      throws IOException {
    String uri = zip.getPath().toString();
    List<Ingest.InputRef> out = new ArrayList<>();
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
        fs.open(zip.getPath()))) {
      for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        String name = e.getName();
        refuseWorkbook(uri, name);
        if (!isDataEntry(name, e.isDirectory())) {
          continue;
        }
        // An entry's size is known for certain only once it is read (archives written as a
        // stream put it after the data): the manifest cites the file's own size.
        long size = in.transferTo(java.io.OutputStream.nullOutputStream());
        out.add(new Ingest.InputRef(source, uri + IN_ARCHIVE + name, size));
      }
    } catch (java.util.zip.ZipException e) {
      throw new InputFileException("Cannot read " + uri + ": it is not a readable zip archive ("
          + e.getMessage() + "); download it again", e);
    }
    return nonEmpty(uri, out);
  }

  /** True for an Excel workbook's name ({@code .xlsx}). */
  static boolean isWorkbook(String name) {
    return WORKBOOK.matcher(name).matches();
  }

  /**
   * The sheets of a workbook that hold any value, each an input of its own
   * ({@code book.xlsx!/Sheet1}, its size the sheet's part), in the workbook's order. Empty sheets
   * (Excel's default Sheet2, Sheet3) are passed over, and so are the Summary and Structure
   * sheets of Eurostat's data browser download (its data sheets are read, see
   * {@link EurostatSpreadsheetReader}); a sheet of something else (notes) stops the run at its
   * header check, never passes unread.
   */
  private static List<Ingest.InputRef> sheets(String source, FileSystem fs, FileStatus book)
      throws IOException {
    String uri = book.getPath().toString();
    java.io.File local = InputFile.localFile(book.getPath());
    java.io.File copy = null;
    if (local == null) {
      copy = java.io.File.createTempFile("dualflow-", ".xlsx");
      try (java.io.InputStream in = fs.open(book.getPath())) {
        java.nio.file.Files.copy(in, copy.toPath(),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      local = copy;
    }
    List<Ingest.InputRef> out = new ArrayList<>();
    try {
      List<XlsxSheetReader.Sheet> sheets = XlsxSheetReader.sheets(local);
      // Eurostat's data browser download: its Summary and Structure sheets describe the data
      // sheets, which alone hold values.
      boolean dataBrowser = sheets.stream().anyMatch(s -> s.hasData()
          && s.firstValue().startsWith(EurostatSpreadsheetReader.MARK));
      for (XlsxSheetReader.Sheet sheet : sheets) {
        if (sheet.hasData() && (!dataBrowser
            || sheet.firstValue().startsWith(EurostatSpreadsheetReader.MARK))) {
          out.add(new Ingest.InputRef(source, uri + IN_ARCHIVE + sheet.name(), sheet.bytes()));
        }
      }
    } catch (InputFileException e) {
      throw new InputFileException("Cannot read " + uri + ": " + e.getMessage(), e);
    } finally {
      if (copy != null) {
        java.nio.file.Files.deleteIfExists(copy.toPath());
      }
    }
    if (out.isEmpty()) {
      throw new InputFileException("Cannot read " + uri + ": the workbook's sheets are empty; "
          + "remove it from the input");
    }
    return out;
  }

  private static List<Ingest.InputRef> nonEmpty(String uri, List<Ingest.InputRef> out) {
    if (out.isEmpty()) {
      throw new InputFileException("Cannot read " + uri + ": the archive holds no .csv, .dat, "
          + ".txt, .tsv or .gz file");
    }
    return out;
  }

  /** A workbook in an archive would be passed over unread: the archive is refused instead. */
  private static void refuseWorkbook(String uri, String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    if (!base.startsWith(".") && !name.contains("__MACOSX")
        && (WORKBOOK.matcher(base).matches() || OLD_WORKBOOK.matcher(base).matches())) {
      throw new InputFileException("Cannot read " + uri + ": it holds the Excel workbook "
          + name + ", which is not read inside an archive; unpack the archive and give the "
          + "workbook itself");
    }
  }

  /** True for a file in an archive worth reading: data, not folders, notes or system files. */
  private static boolean isDataEntry(String name, boolean directory) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    return !directory && !base.startsWith(".") && !base.startsWith("_")
        && !name.contains("__MACOSX") && !ZIP.matcher(base).matches()
        && !SEVEN_Z.matcher(base).matches() && DATA_FILE.matcher(base).matches()
        && !DOCUMENT.matcher(base).matches();
  }

  /**
   * The data files in a 7z archive, as for zip. A 7z archive is read by seeking, so it must be
   * on a local disk (Eurostat's bulk files come so: {@code full202401.7z}).
   */
  private static List<Ingest.InputRef> sevenZipEntries(String source, FileStatus archive)
      throws IOException {
    String uri = archive.getPath().toString();
    List<Ingest.InputRef> out = new ArrayList<>();
    try (org.apache.commons.compress.archivers.sevenz.SevenZFile sevenZ =
        InputFile.openSevenZip(uri)) {
      for (org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry e
          : sevenZ.getEntries()) {
        refuseWorkbook(uri, e.getName());
        if (isDataEntry(e.getName(), e.isDirectory())) {
          out.add(new Ingest.InputRef(source, uri + IN_ARCHIVE + e.getName(), e.getSize()));
        }
      }
    }
    return nonEmpty(uri, out);
  }
}
