package org.dualflow.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a large uncompressed text file can be cut so that several tasks read it, each a run of
 * whole records, and every record keeps the line number, raw text and verdict it has when the
 * file is read whole.
 *
 * <p>How: one sequential pass over the file's bytes (the pre-scan) runs the very
 * {@link CsvRecordReader} that reads records, over a view of the bytes as chars one to one.
 * That view splits records exactly where the real, decoded reading does, because the only
 * characters the splitter looks at (quote, delimiter, CR, LF) are single ASCII bytes in every
 * encoding read here (UTF-8, the single-byte code pages, GBK and GB18030, whose multi-byte
 * characters never contain a byte below 0x40 other than GB18030's digits). So the pre-scan
 * knows, for each cut, the byte offset of the first record that starts at or after it and that
 * record's physical line number, with quoted line breaks, blank lines and malformed lines
 * counted as the reader counts them. It also computes the file's SHA-256 and one per split, which
 * every later read of a split checks.
 *
 * <p>One thing the byte view cannot mirror: a record given up at
 * {@link CsvRecordReader#DEFAULT_MAX_RECORD_CHARS} characters (a quote never closed), since a
 * character may take several bytes. From the first such record on the pre-scan makes no more
 * cuts: the rest of the file is one split, read as it would be whole.
 *
 * <p>Not split, read whole by one task as before: gzip files, archive members and workbook
 * sheets (never listed here), files in encodings where those characters are not single bytes
 * (UTF-16 and the like), and files whose format checks something across the whole file
 * ({@link SourceFormat#splittable()}).
 */
public final class FileSplits {

  /**
   * A piece of a file: the records that start at byte offsets from {@code start} (a record's
   * start, on physical line {@code firstLine}) to {@code end} (the next split's start, on line
   * {@code endLine}; the file's size and {@link Long#MAX_VALUE} for the last split).
   *
   * @param header the file's bytes before its first data record (the header line, with a
   *     byte-order mark and blank lines): what a split after the first parses its records by
   * @param charset the encoding the file is decoded in (auto decided by the pre-scan)
   * @param delimiter the field separator (sniffed by the pre-scan when the format says auto)
   * @param sha256 of the split's bytes from start to end
   * @param fileSha256 of the whole file, as the pre-scan read it
   */
  public record Split(int index, int count, long start, long end, long firstLine, long endLine,
      byte[] header, String charset, char delimiter, String sha256, String fileSha256)
      implements Serializable {

    public long bytes() {
      return end - start;
    }

    /** True when a record starting on {@code line} is this split's. */
    public boolean holdsLine(long line) {
      return line >= firstLine && line < endLine;
    }

    @Override
    public String toString() {
      return "split " + (index + 1) + " of " + count + " (bytes " + start + "-" + end
          + ", lines " + firstLine + "-" + (endLine == Long.MAX_VALUE ? "end" : endLine - 1)
          + ")";
    }
  }

  /** Encodings in which quote, delimiters, CR and LF never occur inside another character. */
  private static final Set<String> SPLITTABLE_CHARSETS = Set.of("UTF-8", "US-ASCII", "GBK",
      "GB18030", "GB2312", "KOI8-R", "KOI8-U");

  /** A header longer than this (bytes) is not worth carrying to every task: read whole. */
  static final int MAX_HEADER_BYTES = 1 << 20;

  private FileSplits() {
  }

  /** True when records can be found in the file's bytes without decoding them. */
  static boolean isSplittable(Charset charset) {
    String name = charset.name().toUpperCase(Locale.ROOT);
    return SPLITTABLE_CHARSETS.contains(name) || name.startsWith("ISO-8859-")
        || name.startsWith("WINDOWS-125");
  }

  /**
   * The pre-scan: reads {@code raw} (a file's bytes from the start) to its end.
   *
   * @param size the file's size as listed
   * @param uri for messages
   * @param encoding the format's encoding (a charset name, {@code auto} or {@code auto:<fallback>})
   * @param delimiter the format's delimiter, or {@link SourceFormat#AUTO_DELIMITER}
   * @param splitBytes the size of a split in bytes (a record starts a split at the first record
   *     start at or after each multiple)
   * @return the splits, in order; an empty list when the file is to be read whole (compressed,
   *     an encoding that cannot be split, a header or start the ordinary read will refuse, or
   *     too small for two splits)
   */
  public static List<Split> scan(InputStream raw, long size, String uri, String encoding,
      char delimiter, long splitBytes) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(4);
    byte[] magic = Arrays.copyOf(in.readNBytes(4), 4);
    in.reset();
    boolean gzip = magic[0] == (byte) 0x1f && magic[1] == (byte) 0x8b;
    boolean zip = magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
    if (gzip || zip) {
      return List.of();                   // gzip (or a zip by mistake): one task, as ever
    }
    boolean auto = encoding.toLowerCase(Locale.ROOT).startsWith("auto");
    // As InputFile.open decides: the encoding named, or what auto's first 256 KB show (null:
    // all ASCII so far, decided at the first byte that is not).
    Charset early = InputFile.charset(uri, encoding, in);
    Charset fallback = auto ? InputFile.fallback(uri, encoding) : early;
    if (!isSplittable(early != null ? early : fallback)) {
      return List.of();
    }
    char separator = delimiter == SourceFormat.AUTO_DELIMITER
        ? InputFile.sniffDelimiter(in, early == null ? StandardCharsets.UTF_8 : early)
        : delimiter;
    ByteView view = new ByteView(in, bomLength(in, early), early, fallback);
    // Splits of even size: a 290 MB file in 128 MB splits is three of 97 MB, not 128, 128, 34.
    long count = Math.max(1, (size + splitBytes - 1) / splitBytes);
    return new Scan(view, separator, Math.max(1, (size + count - 1) / count)).run();
  }

  /** Bytes of a byte-order mark at the start, which the decoded reading skips. */
  private static int bomLength(BufferedInputStream in, Charset charset) throws IOException {
    if (charset == null || !charset.newEncoder().canEncode('\uFEFF')) {
      return 0;
    }
    byte[] bom = "\uFEFF".getBytes(charset);
    in.mark(bom.length);
    byte[] start = in.readNBytes(bom.length);
    in.reset();
    return Arrays.equals(start, bom) ? bom.length : 0;
  }

  /** One pre-scan: records found with the reader, bytes hashed as records are passed. */
  private static final class Scan {
    private final ByteView view;
    private final char delimiter;
    private final long spacing;
    private final MessageDigest file = sha256();
    private MessageDigest split = sha256();
    private final List<long[]> cuts = new ArrayList<>();   // {offset, line}
    private final List<String> digests = new ArrayList<>();

    /** @param spacing cuts go at the first record starting at or after each multiple */
    Scan(ByteView view, char delimiter, long spacing) {
      this.view = view;
      this.delimiter = delimiter;
      this.spacing = spacing;
    }

    List<Split> run() throws IOException {
      CsvRecordReader reader = new CsvRecordReader(view, delimiter,
          CsvRecordReader.DEFAULT_MAX_RECORD_CHARS);
      if (!reader.next() || reader.problem() != null) {
        return List.of();                 // the ordinary read names the problem
      }
      cuts.add(new long[] {0, 1});
      byte[] header = null;
      long nextCut = spacing;
      boolean cutting = true;
      while (reader.next()) {
        long offset = view.offset(reader.recordOffset());
        if (header == null) {
          if (offset > MAX_HEADER_BYTES) {
            return List.of();
          }
          header = view.held(offset);     // nothing is hashed yet: held from byte 0
        }
        // The bytes before a record are its split's (or earlier splits').
        view.release(offset, split, file);
        if (cutting && offset >= nextCut) {
          digests.add(hex(split));
          split = sha256();
          cuts.add(new long[] {offset, reader.lineNumber()});
          nextCut = (offset / spacing + 1) * spacing;
        }
        // This record starts where the reader's does, but where it ends may not: see the class
        // comment.
        cutting &= !reader.overLimit();
      }
      long size = view.position();
      view.release(size, split, file);
      digests.add(hex(split));
      Charset charset = view.charset();
      if (cuts.size() < 2 || !isSplittable(charset)) {
        return List.of();
      }
      String fileSha = hex(file);
      List<Split> splits = new ArrayList<>();
      for (int i = 0; i < cuts.size(); i++) {
        boolean last = i == cuts.size() - 1;
        splits.add(new Split(i, cuts.size(), cuts.get(i)[0], last ? size : cuts.get(i + 1)[0],
            cuts.get(i)[1], last ? Long.MAX_VALUE : cuts.get(i + 1)[1], header, charset.name(),
            delimiter, digests.get(i), fileSha));
      }
      return splits;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * A file's bytes as chars one to one (each byte its own char, as ISO-8859-1 reads them),
   * after a byte-order mark. Holds the bytes it handed out until {@link #release} hashes them.
   * For auto, decides the encoding as {@link InputFile.LateCharsetReader} does, at the first
   * byte that is not ASCII.
   */
  private static final class ByteView extends Reader {
    private final BufferedInputStream in;
    private final int skipped;            // a byte-order mark's bytes
    private final Charset fallback;       // auto's fallback
    private Charset chosen;               // null while auto waits
    private byte[] held = new byte[1 << 17];
    private int heldCount;
    private long heldFrom;                // file offset of held[0]
    private final byte[] chunk = new byte[1 << 16];

    ByteView(BufferedInputStream in, int bom, Charset early, Charset fallback)
        throws IOException {
      this.in = in;
      this.skipped = bom;
      this.chosen = early;
      this.fallback = fallback;
      byte[] mark = in.readNBytes(bom);
      hold(mark, mark.length);
    }

    /** The file offset of the reader's char offset {@code chars}. */
    long offset(long chars) {
      return skipped + chars;
    }

    /** The bytes read so far: at the end, the file's size. */
    long position() {
      return heldFrom + heldCount;
    }

    /** The encoding named or chosen (UTF-8 for a file all ASCII). */
    Charset charset() {
      return chosen != null ? chosen : StandardCharsets.UTF_8;
    }

    /** The bytes held from {@code heldFrom} to file offset {@code end}. */
    byte[] held(long end) {
      return Arrays.copyOf(held, (int) (end - heldFrom));
    }

    /** Hashes the bytes before file offset {@code upTo} into each digest, and forgets them. */
    void release(long upTo, MessageDigest... digests) {
      int n = (int) (upTo - heldFrom);
      if (n <= 0) {
        return;
      }
      for (MessageDigest d : digests) {
        d.update(held, 0, n);
      }
      System.arraycopy(held, n, held, 0, heldCount - n);
      heldCount -= n;
      heldFrom += n;
    }

    private void hold(byte[] bytes, int n) {
      if (heldCount + n > held.length) {
        held = Arrays.copyOf(held, Math.max(held.length * 2, heldCount + n));
      }
      System.arraycopy(bytes, 0, held, heldCount, n);
      heldCount += n;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      int n = in.read(chunk, 0, Math.min(len, chunk.length));
      if (n < 0) {
        return -1;
      }
      if (chosen == null) {
        decide(n);
      }
      hold(chunk, n);
      for (int i = 0; i < n; i++) {
        cbuf[off + i] = (char) (chunk[i] & 0xff);
      }
      return n;
    }

    /** Auto's late choice: UTF-8 when the 256 KB from the first non-ASCII byte are UTF-8. */
    private void decide(int n) throws IOException {
      int i = 0;
      while (i < n && chunk[i] >= 0) {
        i++;
      }
      if (i == n) {
        return;
      }
      in.mark(InputFile.SNIFF_BYTES);
      byte[] rest = in.readNBytes(InputFile.SNIFF_BYTES - (n - i));
      in.reset();
      byte[] ahead = new byte[n - i + rest.length];
      System.arraycopy(chunk, i, ahead, 0, n - i);
      System.arraycopy(rest, 0, ahead, n - i, rest.length);
      chosen = InputFile.isUtf8(ahead) ? StandardCharsets.UTF_8 : fallback;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
