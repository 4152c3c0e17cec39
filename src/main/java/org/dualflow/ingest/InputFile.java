package org.dualflow.ingest;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An input file opened for record reading, on any Hadoop file system (local, HDFS, S3A...).
 *
 * <p>Gzip is recognised by its magic bytes, not its name. A UTF-8 byte-order mark is skipped.
 * Encoding {@code auto} means UTF-8 when the 256 KB from the first byte that is not ASCII are
 * valid UTF-8, else GB18030 (a superset of GBK, what older China customs exports use);
 * {@code auto:windows-1251} names another fallback (Russian extracts, the Comtrade portal's
 * windows-1252). The choice waits for that first non-ASCII byte, however late it comes: a
 * Comtrade download whose first accented partner name ("Türkiye") is 10 MB in must not be
 * taken for UTF-8 on the strength of its ASCII start. Decoding is strict: bytes that are not
 * valid in the chosen encoding fail the file rather than turn into replacement characters in
 * the tables (a file that mixes encodings fails naming the line reached), and a wrong guess
 * shows as a header without the expected columns. The SHA-256 and size are of the bytes as
 * stored (compressed, for a .gz), computed while reading, so the manifest can cite the file;
 * the size comes from the driver's file listing.
 */
public final class InputFile implements Closeable {

  private final String uri;
  private final InputStream raw;
  /** What the digest is computed from: to the end of the file, or to the end of a split. */
  private final InputStream digesting;
  private final MessageDigest digest;
  private final RecordReader records;
  /** The encoding, or null while auto still waits for a byte that is not ASCII. */
  private final Charset charset;
  private final LateCharsetReader late;
  private final boolean auto;
  private final boolean gzip;

  private InputFile(String uri, InputStream raw, DigestInputStream digesting,
      RecordReader records, Charset charset, LateCharsetReader late, boolean auto,
      boolean gzip) {
    this(uri, raw, digesting, digesting.getMessageDigest(), records, charset, late, auto, gzip);
  }

  private InputFile(String uri, InputStream raw, InputStream digesting, MessageDigest digest,
      RecordReader records, Charset charset, LateCharsetReader late, boolean auto,
      boolean gzip) {
    this.uri = uri;
    this.raw = raw;
    this.digesting = digesting;
    this.digest = digest;
    this.records = records;
    this.charset = charset;
    this.late = late;
    this.auto = auto;
    this.gzip = gzip;
  }

  /**
   * The encoding the file is read in (chosen, for auto; UTF-8 for a file read so far that is
   * all ASCII, which is valid UTF-8).
   */
  public Charset charset() {
    return late != null ? late.charset() : charset;
  }

  /** True when the file is gzipped. */
  public boolean isGzip() {
    return gzip;
  }

  static final int SNIFF_BYTES = 256 * 1024;

  /**
   * @param encoding a charset name or {@code auto}
   * @param hadoopConf Hadoop settings from the driver (credentials, file system classes)
   */
  public static InputFile open(String uri, String encoding, char delimiter,
      Map<String, String> hadoopConf) {
    try {
      Configuration conf = new Configuration(false);
      hadoopConf.forEach(conf::set);
      int inArchive = uri.indexOf(InputDiscovery.IN_ARCHIVE);
      Path path = new Path(inArchive < 0 ? uri : uri.substring(0, inArchive));
      FileSystem fs = path.getFileSystem(conf);
      String member = inArchive < 0 ? null
          : uri.substring(inArchive + InputDiscovery.IN_ARCHIVE.length());
      if (InputDiscovery.isWorkbook(path.getName())) {
        return openSheet(uri, fs, path, member);
      }
      InputStream raw = member == null ? fs.open(path)
          : path.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".7z")
              ? sevenZipEntry(uri.substring(0, inArchive), uri, member)
              : entry(fs.open(path), uri, member);
      DigestInputStream digesting = new DigestInputStream(raw, MessageDigest.getInstance("SHA-256"));
      BufferedInputStream buffered = new BufferedInputStream(digesting, 1 << 16);
      buffered.mark(4);
      int b0 = buffered.read();
      int b1 = buffered.read();
      boolean zipMagic = b0 == 'P' && b1 == 'K' && buffered.read() == 3 && buffered.read() == 4;
      buffered.reset();
      InputStream content = buffered;
      if (zipMagic && member == null) {
        raw.close();
        throw new InputFileException("Cannot read " + uri + ": it is a zip archive or an Excel "
            + "workbook, not a text file; name it .zip or .xlsx (as it was downloaded)");
      }
      if (b0 == 0x1f && b1 == 0x8b) {
        try {
          content = new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
        } catch (IOException e) {
          raw.close();
          throw new InputFileException("Cannot read " + uri + ": it starts like gzip but its "
              + "gzip header is corrupt or cut short; download it again", e);
        }
      }
      boolean auto = encoding.toLowerCase(java.util.Locale.ROOT).startsWith("auto");
      Charset charset = charset(uri, encoding, content);
      if (delimiter == SourceFormat.AUTO_DELIMITER) {
        // The header line decides; while the encoding waits, the start is all ASCII anyway.
        delimiter = sniffDelimiter(content, charset == null ? StandardCharsets.UTF_8 : charset);
      }
      LateCharsetReader late = charset == null
          ? new LateCharsetReader(content, fallback(uri, encoding)) : null;
      Reader decoded = late != null ? late : strictReader(content, charset);
      PushbackReader bomless = new PushbackReader(decoded, 1);
      int first = bomless.read();
      if (first >= 0 && first != '\uFEFF') {
        bomless.unread(first);
      }
      return new InputFile(uri, raw, digesting, new CsvRecordReader(bomless, delimiter,
          CsvRecordReader.DEFAULT_MAX_RECORD_CHARS), charset, late, auto, content != buffered);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    } catch (IOException e) {
      throw new InputFileException(describe(uri, e), e);
    }
  }

  /** A plain file's bytes as stored (a file in an archive or a workbook is never split). */
  static InputStream openRaw(String uri, Map<String, String> hadoopConf) throws IOException {
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    Path path = new Path(uri);
    return path.getFileSystem(conf).open(path);
  }

  /**
   * A split of a text file (see {@link FileSplits}): the file's header record, then the
   * records that start in the split, decoded in the encoding the pre-scan found. Records are
   * read as far past the split's end as the reader looks ahead, but stop at the next split's
   * first line; the digest is of the split's own bytes (the last split's: to the end of the
   * file).
   *
   * @param auto whether the format's encoding was auto (for messages)
   */
  public static InputFile openSplit(String uri, FileSplits.Split split, boolean auto,
      Map<String, String> hadoopConf) {
    try {
      org.apache.hadoop.fs.FSDataInputStream raw =
          (org.apache.hadoop.fs.FSDataInputStream) openRaw(uri, hadoopConf);
      try {
        raw.seek(split.start());
      } catch (IOException e) {
        raw.close();
        throw e;
      }
      Charset charset = Charset.forName(split.charset());
      // The last split is hashed to the end of the file: bytes appended since the pre-scan
      // would be read as records, and must fail the check.
      boolean last = split.index() == split.count() - 1;
      RangeDigest digesting = new RangeDigest(raw, last ? Long.MAX_VALUE : split.bytes());
      Reader decoded = strictReader(new BufferedInputStream(digesting, 1 << 16), charset);
      int max = CsvRecordReader.DEFAULT_MAX_RECORD_CHARS;
      char delimiter = split.delimiter();
      CsvRecordReader header = split.start() == 0 ? null : new CsvRecordReader(withoutBom(
          strictReader(new java.io.ByteArrayInputStream(split.header()), charset)), delimiter,
          max);
      CsvRecordReader body = new CsvRecordReader(split.start() == 0 ? withoutBom(decoded)
          : decoded, delimiter, max, split.firstLine());
      return new InputFile(uri, raw, digesting, digesting.digest,
          new SplitRecords(header, body, split.endLine()), charset, null, auto, false);
    } catch (IOException e) {
      throw new InputFileException(describe(uri, e), e);
    }
  }

  /** The text without a byte-order mark at its start. */
  private static Reader withoutBom(Reader decoded) throws IOException {
    PushbackReader bomless = new PushbackReader(decoded, 1);
    int first = bomless.read();
    if (first >= 0 && first != '\uFEFF') {
      bomless.unread(first);
    }
    return bomless;
  }

  /** Hashes the first {@code limit} bytes that pass, the split's; passes the rest as they are. */
  private static final class RangeDigest extends java.io.FilterInputStream {
    private final MessageDigest digest = FileSplits.sha256();
    private long left;

    RangeDigest(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && left > 0) {
        digest.update((byte) b);
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0 && left > 0) {
        int mine = (int) Math.min(n, left);
        digest.update(b, off, mine);
        left -= mine;
      }
      return n;
    }

    /** Reads on to the end of the split (a file cut short ends sooner, and fails the check). */
    void drain() throws IOException {
      byte[] skip = new byte[1 << 16];
      while (left > 0 && read(skip, 0, (int) Math.min(skip.length, left)) >= 0) {
        // draining
      }
    }
  }

  /**
   * A split's records: the file's header record first (for a split after the first, parsed
   * from the header bytes the pre-scan kept), then the split's own, up to the first record
   * on the next split's first line.
   */
  static final class SplitRecords implements RecordReader {
    private final CsvRecordReader header;
    private final CsvRecordReader body;
    private final long endLine;
    private CsvRecordReader current;
    private boolean headerRead;
    private boolean done;

    SplitRecords(CsvRecordReader header, CsvRecordReader body, long endLine) {
      this.header = header;
      this.body = body;
      this.endLine = endLine;
      this.current = header != null ? header : body;
    }

    @Override
    public boolean next() throws IOException {
      if (done) {
        return false;
      }
      if (header != null && !headerRead) {
        headerRead = true;
        return header.next();
      }
      current = body;
      done = !body.next() || body.lineNumber() >= endLine;
      return !done;
    }

    @Override
    public long lineNumber() {
      return current.lineNumber();
    }

    @Override
    public String rawText() {
      return current.rawText();
    }

    @Override
    public String problem() {
      return current.problem();
    }

    @Override
    public int fieldCount() {
      return current.fieldCount();
    }

    @Override
    public String field(int i) {
      return current.field(i);
    }

    @Override
    public char delimiter() {
      return body.delimiter();
    }

    @Override
    public void close() throws IOException {
      try {
        body.close();
      } finally {
        if (header != null) {
          header.close();
        }
      }
    }
  }

  /**
   * A sheet of an Excel workbook (the first, when the URI names none). POI reads a workbook by
   * seeking: one on another file system is copied to a local temporary file first, removed
   * when the input is closed. The digest is of the workbook's bytes.
   */
  private static InputFile openSheet(String uri, FileSystem fs, Path path, String sheet)
      throws IOException, NoSuchAlgorithmException {
    DigestInputStream digesting = new DigestInputStream(fs.open(path),
        MessageDigest.getInstance("SHA-256"));
    java.io.File local = localFile(path);
    boolean copied = local == null;
    if (copied) {
      local = java.io.File.createTempFile("dualflow-", ".xlsx");
      try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(local.toPath())) {
        digesting.transferTo(out);
      } catch (IOException e) {
        java.nio.file.Files.deleteIfExists(local.toPath());
        digesting.close();
        throw e;
      }
    }
    try {
      RecordReader records = EurostatSpreadsheetReader.wrap(
          XlsxSheetReader.open(local, sheet, copied));
      return new InputFile(uri, digesting, digesting, records, StandardCharsets.UTF_8, null,
          false, false);
    } catch (InputFileException e) {
      digesting.close();
      throw new InputFileException("Cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The file itself when it is on the local disk, else null. */
  static java.io.File localFile(Path path) {
    String scheme = path.toUri().getScheme();
    return scheme == null || scheme.equals("file") ? new java.io.File(path.toUri().getPath())
        : null;
  }

  /**
   * A file inside a zip archive, streamed from the archive: its bytes, uncompressed, are what
   * the digest and the reading see.
   */
  private static InputStream entry(InputStream archive, String uri, String name)
      throws IOException {
    java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(archive);
    for (java.util.zip.ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
      if (e.getName().equals(name)) {
        return zip;
      }
    }
    zip.close();
    throw new InputFileException("Cannot read " + uri + ": the archive has no file " + name
        + " any more; list the input again");
  }

  /**
   * Opens a 7z archive, which is read by seeking: from a local disk only.
   *
   * @throws InputFileException for an archive elsewhere, or not a 7z archive
   */
  static org.apache.commons.compress.archivers.sevenz.SevenZFile openSevenZip(String uri)
      throws IOException {
    Path path = new Path(uri);
    String scheme = path.toUri().getScheme();
    if (scheme != null && !scheme.equals("file")) {
      throw new InputFileException("Cannot read " + uri + ": a 7z archive is read by seeking, "
          + "so it must be on a local disk; copy it there or unpack it");
    }
    try {
      return org.apache.commons.compress.archivers.sevenz.SevenZFile.builder()
          .setFile(new java.io.File(path.toUri().getPath())).get();
    } catch (IOException e) {
      throw new InputFileException("Cannot read " + uri + ": it is not a readable 7z archive ("
          + e.getMessage() + "); download it again", e);
    }
  }

  /** A file in a 7z archive; closing the stream closes the archive. */
  private static InputStream sevenZipEntry(String archiveUri, String uri, String name)
      throws IOException {
    org.apache.commons.compress.archivers.sevenz.SevenZFile sevenZ = openSevenZip(archiveUri);
    for (org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry e
        : sevenZ.getEntries()) {
      if (e.getName().equals(name)) {
        InputStream in = sevenZ.getInputStream(e);
        return new java.io.FilterInputStream(in) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              sevenZ.close();
            }
          }
        };
      }
    }
    sevenZ.close();
    throw new InputFileException("Cannot read " + uri + ": the archive has no file " + name
        + " any more; list the input again");
  }

  /**
   * The delimiter of a file's header line: the most frequent of tab, semicolon and comma
   * outside quotes (a comma on a tie). Comtrade's bulk files are tab-separated, what users save
   * is mostly comma-separated, European spreadsheets' exports semicolon-separated.
   */
  static char sniffDelimiter(InputStream content, Charset charset) throws IOException {
    content.mark(SNIFF_BYTES);
    byte[] head = content.readNBytes(SNIFF_BYTES);
    content.reset();
    String text = new String(head, charset);
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    int tabs = 0;
    int semicolons = 0;
    int commas = 0;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted) {
        tabs += c == '\t' ? 1 : 0;
        semicolons += c == ';' ? 1 : 0;
        commas += c == ',' ? 1 : 0;
      }
    }
    if (tabs > commas && tabs >= semicolons) {
      return '\t';
    }
    return semicolons > commas ? ';' : ',';
  }

  /**
   * The encoding named, or for auto the one the first 256 KB show; null when auto cannot tell
   * yet because those bytes are all ASCII (valid in UTF-8 and in every fallback alike).
   */
  static Charset charset(String uri, String encoding, InputStream content)
      throws IOException {
    boolean auto = encoding.toLowerCase(java.util.Locale.ROOT).startsWith("auto");
    if (!auto) {
      return named(uri, encoding, encoding);
    }
    Charset fallback = fallback(uri, encoding);
    content.mark(SNIFF_BYTES);
    byte[] head = content.readNBytes(SNIFF_BYTES);
    content.reset();
    if (isAscii(head)) {
      return head.length < SNIFF_BYTES ? StandardCharsets.UTF_8 : null;
    }
    return isUtf8(head) ? StandardCharsets.UTF_8 : fallback;
  }

  /** Auto's fallback: GB18030, or what {@code auto:<charset>} names. */
  static Charset fallback(String uri, String encoding) {
    return named(uri, encoding, encoding.contains(":")
        ? encoding.substring(encoding.indexOf(':') + 1).trim() : "GB18030");
  }

  private static Charset named(String uri, String encoding, String name) {
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) {
      throw new InputFileException("Cannot read " + uri + ": encoding '" + encoding
          + "' is not known; use UTF-8, GBK, GB18030, windows-1251, auto or "
          + "auto:windows-1251");
    }
  }

  /** A decoder that fails on bytes not valid in {@code charset}, never replaces them. */
  private static Reader strictReader(InputStream content, Charset charset) {
    return new InputStreamReader(content, charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Auto's decision put off: passes ASCII through as it comes, and at the first byte that is
   * not ASCII chooses as auto does, UTF-8 if the 256 KB from there are valid UTF-8, else the
   * fallback, and decodes the rest strictly in that encoding.
   */
  static final class LateCharsetReader extends Reader {
    private static final int CHUNK = 8192;
    private final InputStream in;     // supports mark and reset (a BufferedInputStream)
    private final Charset fallback;
    private final byte[] bytes = new byte[CHUNK];
    private Charset chosen;
    private Reader decoded;

    LateCharsetReader(InputStream in, Charset fallback) {
      this.in = in;
      this.fallback = fallback;
    }

    Charset charset() {
      return chosen == null ? StandardCharsets.UTF_8 : chosen;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      if (decoded != null) {
        return decoded.read(cbuf, off, len);
      }
      if (len == 0) {
        return 0;
      }
      in.mark(CHUNK);
      int n = in.read(bytes, 0, Math.min(len, CHUNK));
      if (n < 0) {
        return -1;
      }
      int ascii = 0;
      while (ascii < n && bytes[ascii] >= 0) {
        cbuf[off + ascii] = (char) bytes[ascii];
        ascii++;
      }
      if (ascii == n) {
        return n;
      }
      in.reset();
      in.skipNBytes(ascii);
      in.mark(SNIFF_BYTES);
      byte[] ahead = in.readNBytes(SNIFF_BYTES);
      in.reset();
      chosen = isUtf8(ahead) ? StandardCharsets.UTF_8 : fallback;
      decoded = strictReader(in, chosen);
      return ascii > 0 ? ascii : decoded.read(cbuf, off, len);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** True when the bytes are valid UTF-8, allowing a character cut off at the end. */
  static boolean isUtf8(byte[] bytes) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    CoderResult r = d.decode(in, out, false);
    return !r.isError();
  }

  /** Why an IOException happened, in words a user can act on. */
  static String describe(String uri, IOException e) {
    String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.util.zip.ZipException || what.contains("GZIP")
        || what.contains("ZLIB")) {
      return "Cannot read " + uri + ": it looks like gzip but is corrupt or truncated (" + what
          + "); download it again";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "Cannot read " + uri + ": it has bytes that are not valid in its encoding (" + what
          + "); save it as UTF-8 or set the source's encoding";
    }
    if (e instanceof java.io.FileNotFoundException) {
      return "Cannot read " + uri + ": file not found (" + what + ")";
    }
    return "Cannot read " + uri + ": " + what;
  }

  /**
   * Why reading this file failed, in words a user can act on: for bytes its encoding cannot
   * decode, the encoding and the line reached (the bad bytes are on it or a later line: the
   * reader decodes ahead of the record it splits).
   */
  public String describe(IOException e) {
    if (!(e instanceof java.nio.charset.CharacterCodingException)) {
      return describe(uri, e);
    }
    String where = "line " + Math.max(1, records.lineNumber()) + " or a line after it has "
        + "bytes that are not valid " + charset().name() + " (" + e.getMessage() + ")";
    return "Cannot read " + uri + ": " + (auto ? "its first bytes that are not ASCII read as "
        + charset().name() + ", but " + where + ": it mixes encodings or is damaged; save it in "
        + "one encoding, UTF-8, or download it again"
        : where + "; save it as UTF-8 or set the source's encoding");
  }

  public RecordReader records() {
    return records;
  }

  public String uri() {
    return uri;
  }

  /**
   * Reads any bytes the parser left (trailing padding of a gzip file) so that size and digest
   * cover the whole file, and returns the SHA-256 in hex.
   */
  public String finishDigest() throws IOException {
    if (digesting instanceof RangeDigest range) {
      range.drain();
    } else {
      byte[] skip = new byte[1 << 16];
      while (digesting.read(skip) >= 0) {
        // draining
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public void close() throws IOException {
    try {
      records.close();
    } finally {
      raw.close();
    }
  }
}
