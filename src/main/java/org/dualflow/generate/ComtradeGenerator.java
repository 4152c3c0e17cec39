package org.dualflow.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dualflow.reference.ReferenceFiles;

/**
 * Writes synthetic UN Comtrade "final data" CSV files (the 47-column layout that
 * {@link org.dualflow.ingest.ComtradeFormat} reads) for benchmarks.
 *
 * <p>What the data looks like:
 * <ul>
 *   <li>Monthly rows ({@code freqCode} M) for 2019-01 to 2024-12; H5 (HS 2017) to 2021 and H6
 *       (HS 2022) from 2022, with the HS 2017 code from the bundled conversion table where the
 *       code changed.</li>
 *   <li>Reporters: China, Hong Kong, the 27 EU members, the transit hubs, Russia (2019-2021 only:
 *       it stopped publishing in 2022) and a few large economies. Partners: every country of
 *       {@code countries.csv}, with China, Russia, the hubs and large economies frequent. Flows X
 *       and M, some RX and RM (Hong Kong mostly re-exports). From March 2022, EU-Russia pairs
 *       trade fewer goods, and Russia's pairs with China and the hubs more.</li>
 *   <li>A few hundred real HS6 codes: the CHPL, a head of common codes and a sample of chapters
 *       84, 85, 87, 90, 39, 72... Row counts per code follow a Zipf law (exponent 1.1) as far
 *       as uniqueness allows.</li>
 *   <li>Values log-normal in USD with cents; net weight from a per-code USD/kg price with
 *       spread. Every well-formed row is a countable 6-digit leaf (aggrLevel 6, C00, mode 0,
 *       partner2 0), so totals are simple to compare.</li>
 *   <li>About 0.1% malformed lines: a value "n/a" (not_numeric), a missing last field
 *       (field_count) or partner code 999 (unknown_country).</li>
 * </ul>
 *
 * <p>Record keys (reporter, partner, flow, period, code) are unique by construction: a
 * "relation" is one (period, reporter, flow, partner) cell; each relation gets a number of rows
 * of at most the number of codes, and those rows take distinct codes. Malformed lines use up a
 * key too, so no key is ever written twice.
 *
 * <p>Deterministic: every random draw comes from a counter-based generator keyed by the seed,
 * the relation and the row, so the bytes depend on (rows, seed) only, not on threads. Files are
 * equal row ranges of one stream ordered by period, reporter, flow, partner and code.
 */
public final class ComtradeGenerator {

  /** What was written: data lines (malformed included, headers excluded), files, bytes. */
  public record Summary(long rows, long malformedRows, int files, long bytes) {
  }

  /** The Comtrade final-data header, as in {@code sample-data/comtrade}. */
  public static final List<String> HEADER = List.of("typeCode", "freqCode", "refPeriodId",
      "refYear", "refMonth", "period", "reporterCode", "reporterISO", "reporterDesc", "flowCode",
      "flowDesc", "partnerCode", "partnerISO", "partnerDesc", "partner2Code", "partner2ISO",
      "partner2Desc", "classificationCode", "classificationSearchCode",
      "isOriginalClassification", "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode",
      "customsDesc", "mosCode", "motCode", "motDesc", "qtyUnitCode", "qtyUnitAbbr", "qty",
      "isQtyEstimated", "altQtyUnitCode", "altQtyUnitAbbr", "altQty", "isAltQtyEstimated",
      "netWgt", "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated", "cifvalue", "fobvalue",
      "primaryValue", "legacyEstimationFlag", "isReported", "isAggregate");

  public static final int FIRST_YEAR = 2019;
  public static final int MONTHS = 72;
  /** 2022-01 as a month index from 2019-01: HS 2022 (H6) from here, and Russia silent. */
  static final int FIRST_H6_MONTH = 36;
  /** First month of the 2022 sanctions shift (2022-03), as a month index from 2019-01. */
  static final int SANCTIONS_MONTH = 38;
  static final double ZIPF_EXPONENT = 1.1;
  static final double MALFORMED_RATE = 0.001;
  /** A row is malformed when the top 53 bits of its first draw are below this. */
  static final long MALFORMED_THRESHOLD = (long) (MALFORMED_RATE * 0x1.0p53);
  static final long MAX_ROWS_PER_FILE = 1_000_000;
  static final long MIN_ROWS_PER_FILE = 2_500;
  static final int TARGET_FILES = 8;
  static final Pattern OUR_FILES = Pattern.compile("comtrade-gen-\\d{5}\\.csv");

  private ComtradeGenerator() {
  }

  /** Usage: {@code ComtradeGenerator <rows> <outDir> [seed]}; prints the summary and time. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ComtradeGenerator <rows> <outDir> [seed]");
      System.exit(2);
    }
    long start = System.nanoTime();
    Summary s = generate(Long.parseLong(args[0]), Path.of(args[1]),
        args.length > 2 ? Long.parseLong(args[2]) : 1L);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%s in %.2f s (%.2f M rows/s, %.0f MB/s)%n", s, seconds,
        s.rows() / seconds / 1e6, s.bytes() / seconds / 1e6);
  }

  /**
   * Writes {@code rows} data lines to {@code comtrade-gen-NNNNN.csv} files in {@code outDir},
   * using one thread per core. Earlier {@code comtrade-gen-NNNNN.csv} files there are deleted
   * first, so that a smaller run does not leave stale parts behind; other files are untouched.
   */
  public static Summary generate(long rows, Path outDir, long seed) throws IOException {
    return generate(rows, outDir, seed, Runtime.getRuntime().availableProcessors());
  }

  /** As {@link #generate(long, Path, long)} with at most {@code threads} writer threads. */
  public static Summary generate(long rows, Path outDir, long seed, int threads)
      throws IOException {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative: " + rows);
    }
    Plan plan = new Plan(Universe.get(), rows, seed);
    Files.createDirectories(outDir);
    try (Stream<Path> old = Files.list(outDir)) {
      for (Path p : old.filter(p -> OUR_FILES.matcher(p.getFileName().toString()).matches())
          .toList()) {
        Files.delete(p);
      }
    }
    int files = plan.files();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, files)));
    try {
      List<Future<long[]>> parts = new ArrayList<>();
      for (int f = 0; f < files; f++) {
        int file = f;
        Path path = outDir.resolve(String.format("comtrade-gen-%05d.csv", f));
        parts.add(pool.submit(() -> new FileWriter(plan).write(file, path)));
      }
      long malformed = 0;
      long bytes = 0;
      for (Future<long[]> part : parts) {
        long[] r = part.get();
        malformed += r[0];
        bytes += r[1];
      }
      return new Summary(rows, malformed, files, bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while generating", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  // --- the fixed world: countries, codes, weights ------------------------------------------------

  /** Reporter and partner roles that change the weights. */
  enum Group { CHINA, EU, HUB, RUSSIA, OTHER }

  /** A country as written in the files: "code,ISO,description,". */
  record Country(String iso3, int code, Group group, double weight, byte[] field) {
  }

  /** An HS 2022 code, its HS 2017 code, and value and price scales. */
  record Code(String hs2022, String hs2017, String desc, double medianUsd, double usdPerKg) {
  }

  /**
   * Countries and codes, read once from the bundled reference files (never from a job's
   * reference.dir, so that the generated data does not depend on a job).
   */
  static final class Universe {
    private static Universe instance;

    final Country[] reporters;
    final Country[] partners;
    /** Codes in HS 2022 order: rows of a relation come out sorted by code. */
    final Code[] codes;
    /** Zipf weight of each code, by its popularity rank. */
    final double[] codeWeight;

    static synchronized Universe get() {
      if (instance == null) {
        instance = new Universe(new ReferenceFiles(null));
      }
      return instance;
    }

    Universe(ReferenceFiles files) {
      Map<String, String[]> countries = new TreeMap<>();   // iso3 -> {code, name}
      files.readCsv("countries.csv", List.of("iso3", "comtrade_code", "name_en"), r -> {
        // Only countries with a Comtrade code of their own: an M49-only code can belong to a
        // Comtrade area (492 is Monaco in M49 but "Europe EU, nes" in Comtrade).
        if (!r.get("iso3").isBlank() && !r.get("comtrade_code").isBlank()) {
          countries.put(r.get("iso3").trim(),
              new String[] {r.get("comtrade_code").trim(), r.get("name_en").trim()});
        }
      });
      Set<String> eu = new HashSet<>();
      files.readCsv("country-groups.csv", List.of("group_id", "iso3"), r -> {
        if (r.get("group_id").equals("eu27")) {
          eu.add(r.get("iso3").trim());
        }
      });
      reporters = countries(countries, eu, true);
      partners = countries(countries, eu, false);

      Map<String, String> hs2017 = new TreeMap<>();
      files.readCsv("hs2022-hs2017-conversion.csv", List.of("hs2022", "hs2017"),
          r -> hs2017.put(r.get("hs2022").trim(), r.get("hs2017").trim()));
      Map<String, String[]> chpl = new TreeMap<>();          // code -> {version, description}
      files.readCsv("code-lists/chpl.csv", List.of("list_version", "code", "description"), r -> {
        String[] before = chpl.get(r.get("code"));
        if (before == null || before[0].compareTo(r.get("list_version")) <= 0) {
          chpl.put(r.get("code").trim(), new String[] {r.get("list_version"),
              r.get("description").trim()});
        }
      });
      List<Code> ranked = rankedCodes(hs2017, chpl);
      Integer[] rankAt = new Integer[ranked.size()];
      for (int i = 0; i < rankAt.length; i++) {
        rankAt[i] = i;
      }
      java.util.Arrays.sort(rankAt, (a, b) -> ranked.get(a).hs2022()
          .compareTo(ranked.get(b).hs2022()));
      codes = new Code[rankAt.length];
      codeWeight = new double[rankAt.length];
      for (int i = 0; i < rankAt.length; i++) {
        codes[i] = ranked.get(rankAt[i]);
        codeWeight[i] = StrictMath.pow(rankAt[i] + 1, -ZIPF_EXPONENT);
      }
    }

    /** Reporters, or partners (everyone); sorted by Comtrade code, as Comtrade sorts. */
    private static Country[] countries(Map<String, String[]> all, Set<String> eu,
        boolean reporters) {
      List<Country> out = new ArrayList<>();
      for (Map.Entry<String, String[]> e : all.entrySet()) {
        String iso = e.getKey();
        Group group = iso.equals("CHN") || iso.equals("HKG") ? Group.CHINA
            : eu.contains(iso) ? Group.EU : HUBS.contains(iso) ? Group.HUB
            : iso.equals("RUS") || iso.equals("BLR") ? Group.RUSSIA : Group.OTHER;
        double weight = (reporters ? REPORTER_WEIGHTS : PARTNER_WEIGHTS).getOrDefault(iso, 0.0);
        if (reporters && weight == 0 && group == Group.EU) {
          weight = 1.5;
        }
        if (!reporters && weight == 0) {
          weight = group == Group.EU ? 2.0 : 0.4;
        }
        if (weight > 0) {
          String[] v = e.getValue();
          String field = v[0] + "," + iso + "," + csv(v[1]) + ",";
          out.add(new Country(iso, Integer.parseInt(v[0]), group, weight,
              field.getBytes(StandardCharsets.UTF_8)));
        }
      }
      for (String iso : (reporters ? REPORTER_WEIGHTS : PARTNER_WEIGHTS).keySet()) {
        if (out.stream().noneMatch(c -> c.iso3().equals(iso))) {
          throw new IllegalStateException(iso + " is not in countries.csv with a Comtrade code");
        }
      }
      out.sort((a, b) -> Integer.compare(a.code(), b.code()));
      return out.toArray(new Country[0]);
    }

    /**
     * The code universe, most popular first: the head list, then the CHPL and chapter samples in
     * a fixed shuffled order. A code whose HS 2017 code another code already has is left out,
     * so that H5 keys stay unique (854151 and 854159 both come from 854150).
     */
    private static List<Code> rankedCodes(Map<String, String> hs2017,
        Map<String, String[]> chpl) {
      List<String[]> candidates = new ArrayList<>();    // {hs2022, description}
      for (String[] h : HEAD_CODES) {
        candidates.add(h);
      }
      List<String[]> rest = new ArrayList<>();
      for (Map.Entry<String, String[]> e : chpl.entrySet()) {
        rest.add(new String[] {e.getKey(), e.getValue()[1]});
      }
      for (Chapter ch : CHAPTERS) {
        int i = 0;
        for (String code : hs2017.keySet()) {
          if (code.startsWith(ch.number()) && i++ % ch.stride() == 0) {
            rest.add(new String[] {code, ch.title() + ": subheading " + code.substring(0, 4)
                + "." + code.substring(4)});
          }
        }
      }
      // Fisher-Yates with a fixed key: the popularity order is part of the data's shape and the
      // same for every seed.
      Rng rng = new Rng();
      rng.reset(0x5EED_C0DEL);
      for (int i = rest.size() - 1; i > 0; i--) {
        int j = (int) Long.remainderUnsigned(rng.next(), i + 1);
        String[] t = rest.get(i);
        rest.set(i, rest.get(j));
        rest.set(j, t);
      }
      candidates.addAll(rest);

      List<Code> out = new ArrayList<>();
      Set<String> seen2022 = new HashSet<>();
      Set<String> seen2017 = new HashSet<>();
      for (String[] c : candidates) {
        String old = hs2017.get(c[0]);
        if (old == null) {
          throw new IllegalStateException("HS 2022 code " + c[0] + " is not in the conversion");
        }
        if (seen2022.contains(c[0]) || !seen2017.add(old)) {
          continue;
        }
        seen2022.add(c[0]);
        long h = Rng.mix(Long.parseLong(c[0]));
        // Per-code scales: median value 30k..3M USD, price around the chapter's or heading's.
        double u1 = (h >>> 11) * 0x1.0p-53;
        double u2 = ((h * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53;
        double median = 3e4 * StrictMath.pow(100, u1);
        double price = usdPerKg(c[0]) * StrictMath.pow(10, u2 - 0.5);
        out.add(new Code(c[0], old, c[1], median, price));
      }
      return out;
    }

    private static double usdPerKg(String code) {
      for (String[] h : HEADING_PRICES) {
        if (code.startsWith(h[0])) {
          return Double.parseDouble(h[1]);
        }
      }
      for (Chapter ch : CHAPTERS) {
        if (code.startsWith(ch.number())) {
          return ch.usdPerKg();
        }
      }
      return 20;
    }
  }

  static final Set<String> HUBS = Set.of("KAZ", "KGZ", "UZB", "TJK", "TKM", "ARM", "GEO", "AZE",
      "TUR", "ARE", "SRB", "MNG", "IRN");

  /** Relative number of lines a reporter files; EU members not named get 1.5. */
  static final Map<String, Double> REPORTER_WEIGHTS = Map.ofEntries(
      Map.entry("CHN", 10.0), Map.entry("HKG", 5.0), Map.entry("RUS", 4.0),
      Map.entry("DEU", 8.0), Map.entry("NLD", 6.0), Map.entry("FRA", 6.0), Map.entry("ITA", 6.0),
      Map.entry("BEL", 5.0), Map.entry("ESP", 5.0), Map.entry("POL", 4.0), Map.entry("AUT", 3.0),
      Map.entry("CZE", 3.0), Map.entry("SWE", 3.0), Map.entry("DNK", 2.5),
      Map.entry("KAZ", 2.5), Map.entry("KGZ", 1.2), Map.entry("UZB", 1.5), Map.entry("TJK", 0.5),
      Map.entry("ARM", 1.2), Map.entry("GEO", 1.2), Map.entry("AZE", 1.0), Map.entry("TUR", 5.0),
      Map.entry("ARE", 3.0), Map.entry("SRB", 1.5), Map.entry("MNG", 0.6),
      Map.entry("USA", 8.0), Map.entry("JPN", 6.0), Map.entry("KOR", 6.0), Map.entry("IND", 5.0),
      Map.entry("GBR", 5.0), Map.entry("CHE", 3.0), Map.entry("CAN", 4.0), Map.entry("MEX", 3.0),
      Map.entry("BRA", 3.0), Map.entry("VNM", 3.0), Map.entry("MYS", 3.0), Map.entry("SGP", 3.0));

  /** Relative weight as a partner; EU members not named get 2, the rest of the world 0.4. */
  static final Map<String, Double> PARTNER_WEIGHTS = Map.ofEntries(
      Map.entry("CHN", 10.0), Map.entry("HKG", 4.0), Map.entry("RUS", 6.0), Map.entry("BLR", 2.5),
      Map.entry("USA", 9.0), Map.entry("DEU", 8.0), Map.entry("FRA", 5.0), Map.entry("ITA", 5.0),
      Map.entry("NLD", 5.0), Map.entry("BEL", 4.0), Map.entry("ESP", 4.0), Map.entry("POL", 4.0),
      Map.entry("KAZ", 6.0), Map.entry("KGZ", 3.5), Map.entry("UZB", 3.0), Map.entry("TJK", 1.5),
      Map.entry("TKM", 1.0), Map.entry("ARM", 3.5), Map.entry("GEO", 2.5), Map.entry("AZE", 2.5),
      Map.entry("TUR", 6.0), Map.entry("ARE", 5.0), Map.entry("SRB", 2.5), Map.entry("MNG", 1.5),
      Map.entry("IRN", 1.5), Map.entry("JPN", 5.0), Map.entry("KOR", 5.0), Map.entry("IND", 5.0),
      Map.entry("GBR", 5.0), Map.entry("CHE", 4.0), Map.entry("TWN", 4.0), Map.entry("VNM", 4.0),
      Map.entry("THA", 3.5), Map.entry("MYS", 3.5), Map.entry("SGP", 4.0), Map.entry("CAN", 4.0),
      Map.entry("MEX", 4.0), Map.entry("BRA", 3.0), Map.entry("AUS", 3.0), Map.entry("IDN", 3.0),
      Map.entry("SAU", 2.5), Map.entry("ISR", 2.5));

  /** The most frequent codes, in rank order, with Comtrade-style descriptions. */
  static final String[][] HEAD_CODES = {
      {"854231", "Electronic integrated circuits: processors and controllers"},
      {"847130", "Automatic data processing machines; portable, weighing not more than 10kg"},
      {"870323", "Motor cars; spark-ignition engine of a cylinder capacity over 1500cc but not "
          + "over 3000cc"},
      {"851762", "Machines for the reception, conversion and transmission or regeneration of "
          + "voice, images or other data"},
      {"271012", "Petroleum oils, not crude; light oils and preparations"},
      {"300490", "Medicaments; packaged for retail sale, n.e.c. in heading 3004"},
      {"854239", "Electronic integrated circuits: other"},
      {"847180", "Units of automatic data processing machines; n.e.c. in heading 8471"},
      {"848210", "Ball bearings"},
      {"392690", "Plastics; other articles n.e.c. in chapter 39"},
      {"851713", "Smartphones for wireless networks"},
      {"870899", "Vehicle parts and accessories; n.e.c. in heading 8708"},
      {"847330", "Parts and accessories of the machines of heading 8471"},
      {"854232", "Electronic integrated circuits: memories"},
      {"880730", "Parts of aeroplanes, helicopters or unmanned aircraft; other"},
      {"850440", "Electrical static converters"},
      {"853224", "Fixed capacitors; ceramic dielectric, multilayer"},
      {"854800", "Electrical parts of machinery or apparatus, n.e.c. in chapter 85"},
      {"732690", "Iron or steel; articles n.e.c. in heading 7326"},
      {"854159", "Semiconductor devices; other"},
      {"940360", "Furniture; wooden, n.e.c. in heading 9403"},
      {"854442", "Insulated electric conductors; for a voltage not exceeding 1000 volts, fitted "
          + "with connectors"},
      {"401110", "New pneumatic tyres, of rubber; of a kind used on motor cars"},
      {"840991", "Engines; parts for spark-ignition internal combustion piston engines"},
      {"721049", "Iron or non-alloy steel; flat-rolled, width 600mm or more, coated with zinc, "
          + "n.e.c."},
      {"880240", "Aeroplanes and other aircraft; of an unladen weight exceeding 15,000kg"},
  };

  /** A chapter sampled for codes: every stride-th code, its usual USD/kg, a short title. */
  record Chapter(String number, int stride, double usdPerKg, String title) {
  }

  static final Chapter[] CHAPTERS = {
      new Chapter("84", 4, 30, "Machinery and mechanical appliances"),
      new Chapter("85", 4, 40, "Electrical machinery and equipment"),
      new Chapter("87", 5, 12, "Vehicles other than railway or tramway rolling-stock"),
      new Chapter("90", 6, 150, "Optical, measuring, checking, precision and medical instruments"),
      new Chapter("88", 3, 400, "Aircraft, spacecraft, and parts thereof"),
      new Chapter("39", 8, 3, "Plastics and articles thereof"),
      new Chapter("40", 10, 4, "Rubber and articles thereof"),
      new Chapter("72", 12, 0.9, "Iron and steel"),
      new Chapter("73", 8, 3, "Articles of iron or steel"),
      new Chapter("76", 7, 4, "Aluminium and articles thereof"),
      new Chapter("74", 8, 9, "Copper and articles thereof"),
      new Chapter("27", 6, 0.6, "Mineral fuels, mineral oils and products of their distillation"),
      new Chapter("28", 20, 2, "Inorganic chemicals"),
      new Chapter("29", 40, 5, "Organic chemicals"),
      new Chapter("30", 6, 120, "Pharmaceutical products"),
      new Chapter("94", 8, 5, "Furniture; bedding; luminaires; prefabricated buildings"),
      new Chapter("61", 20, 20, "Apparel and clothing accessories, knitted or crocheted"),
      new Chapter("62", 20, 25, "Apparel and clothing accessories, not knitted or crocheted"),
      new Chapter("64", 6, 18, "Footwear, gaiters and the like"),
      new Chapter("03", 30, 5, "Fish and crustaceans, molluscs and other aquatic invertebrates"),
      new Chapter("08", 12, 2, "Edible fruit and nuts"),
      new Chapter("10", 6, 0.3, "Cereals"),
      new Chapter("22", 6, 2, "Beverages, spirits and vinegar"),
  };

  /** Headings priced apart from their chapter (chips are worth more per kg than motors). */
  static final String[][] HEADING_PRICES = {
      {"8542", "2000"}, {"8541", "300"}, {"8471", "100"}, {"8517", "150"}, {"8486", "400"},
      {"8532", "150"}, {"8802", "1500"}, {"8703", "15"}, {"2710", "0.7"}};

  // --- the plan: how many rows each relation gets, and where files start ------------------------

  static final int FLOWS = 4;
  static final String[] FLOW_FIELDS = {"X,Export,", "M,Import,", "RX,Re-export,",
      "RM,Re-import,"};

  /**
   * Row counts per relation (period, reporter, flow, partner), in that order. A relation's
   * quota is proportional to its weight, capped at the number of codes; the quotas are rounded
   * systematically (a running sum with a random start), which keeps the total exact and gives
   * small relations a row with probability equal to their quota.
   */
  static final class Plan {
    final Universe u;
    final long rows;
    final long seed;
    final short[] count;
    final long[][] cumulative;   // per row count n: the codes' cumulative inclusion, 2^-32 units
    final double[][] pairScale;
    final long rowsPerFile;
    final int[] fileRelation;
    final int[] fileOffset;

    Plan(Universe u, long rows, long seed) {
      this.u = u;
      this.rows = rows;
      this.seed = seed;
      int reporters = u.reporters.length;
      int partners = u.partners.length;
      int cap = u.codes.length;
      // weight = pair x flow x month, with the sanctions shift on the pair from 2022-03: a
      // product of small tables, so that filling 3-4 million cells stays cheap.
      double[][] pair = new double[reporters][partners];
      double[][] shifted = new double[reporters][partners];
      double[][] flow = new double[reporters][FLOWS];
      double[] month = new double[MONTHS];
      for (int r = 0; r < reporters; r++) {
        for (int p = 0; p < partners; p++) {
          pair[r][p] = pairWeight(u.reporters[r], u.partners[p]);
          shifted[r][p] = pair[r][p] * sanctionsShift(u.reporters[r], u.partners[p]);
        }
        for (int f = 0; f < FLOWS; f++) {
          flow[r][f] = flowWeight(u.reporters[r], f);
        }
      }
      for (int t = 0; t < MONTHS; t++) {
        month[t] = monthWeight(t);
      }
      double[] weight = new double[MONTHS * reporters * FLOWS * partners];
      int i = 0;
      for (int t = 0; t < MONTHS; t++) {
        for (int r = 0; r < reporters; r++) {
          double[] pr = t >= SANCTIONS_MONTH ? shifted[r] : pair[r];
          boolean silent = t >= FIRST_H6_MONTH && u.reporters[r].iso3().equals("RUS");
          for (int f = 0; f < FLOWS; f++) {
            double m = silent ? 0 : flow[r][f] * month[t];
            for (int p = 0; p < partners; p++) {
              weight[i++] = pr[p] * m;
            }
          }
        }
      }
      count = allocate(weight, rows, cap, new Rng().reset(seed).nextDouble());
      int max = 0;
      for (short c : count) {
        max = Math.max(max, c);
      }
      cumulative = new long[max + 1][];
      for (int n = 1; n <= max; n++) {
        cumulative[n] = inclusion(u.codeWeight, n);
      }
      // Large partners trade larger consignments: values scale with the pair's weight.
      pairScale = new double[reporters][partners];
      for (int r = 0; r < reporters; r++) {
        for (int p = 0; p < partners; p++) {
          pairScale[r][p] = Math.sqrt(u.reporters[r].weight() * u.partners[p].weight()) / 3;
        }
      }
      rowsPerFile = Math.min(MAX_ROWS_PER_FILE,
          Math.max(MIN_ROWS_PER_FILE, (rows + TARGET_FILES - 1) / TARGET_FILES));
      int files = (int) Math.max(1, (rows + rowsPerFile - 1) / rowsPerFile);
      fileRelation = new int[files];
      fileOffset = new int[files];
      long seen = 0;
      int file = 1;
      for (int rel = 0; rel < count.length && file < files; rel++) {
        while (file < files && seen + count[rel] > file * rowsPerFile) {
          fileRelation[file] = rel;
          fileOffset[file] = (int) (file * rowsPerFile - seen);
          file++;
        }
        seen += count[rel];
      }
    }

    int files() {
      return fileRelation.length;
    }

    long rowsIn(int file) {
      return Math.min(rows, (file + 1) * rowsPerFile) - file * rowsPerFile;
    }

    /** Reporter x partner; no trade with oneself. */
    static double pairWeight(Country reporter, Country partner) {
      return reporter.iso3().equals(partner.iso3()) ? 0 : reporter.weight() * partner.weight();
    }

    static double flowWeight(Country reporter, int flow) {
      boolean hongKong = reporter.iso3().equals("HKG");
      return switch (flow) {
        case 0 -> hongKong ? 0.3 : 1;       // Hong Kong's own exports are small...
        case 1 -> 1;
        case 2 -> hongKong ? 1.2 : 0.12;    // ...its re-exports large
        default -> 0.04;
      };
    }

    /** Growth, Lunar New Year (February), August, December, the 2020-04/05 lockdowns. */
    static double monthWeight(int t) {
      int m = t % 12;
      double w = (1 + 0.04 * (t / 12)) * (m == 1 ? 0.85 : m == 7 ? 0.93 : m == 11 ? 1.05 : 1);
      return t == 15 || t == 16 ? w * 0.85 : w;
    }

    /** From 2022-03: the EU trades fewer goods with Russia, China and the hubs more. */
    static double sanctionsShift(Country reporter, Country partner) {
      Group a = reporter.group();
      Group b = partner.group();
      boolean russia = a == Group.RUSSIA || b == Group.RUSSIA;
      if (russia && (a == Group.EU || b == Group.EU)) {
        return 0.35;
      }
      if (russia && (a == Group.HUB || b == Group.HUB || a == Group.CHINA || b == Group.CHINA)) {
        return 1.8;   // the "Eurasian roundabout"
      }
      if ((a == Group.HUB && b == Group.EU) || (a == Group.EU && b == Group.HUB)) {
        return 1.3;
      }
      return 1;
    }

    /**
     * Integer counts, each at most {@code cap}, summing to {@code rows}, proportional to the
     * weights where not capped.
     */
    static short[] allocate(double[] weight, long rows, int cap, double start) {
      long capacity = 0;
      double total = 0;
      for (double w : weight) {
        if (w > 0) {
          capacity += cap;
          total += w;
        }
      }
      if (rows > capacity) {
        throw new IllegalArgumentException("at most " + capacity + " rows can be generated "
            + "with unique keys, not " + rows);
      }
      // Find lambda with sum(min(cap, lambda * w)) = rows. The sum is concave in lambda, so
      // Newton steps from below rise monotonically and stop when the capped set is stable.
      double lambda = rows / Math.max(total, Double.MIN_NORMAL);
      for (int iteration = 0; iteration < 200 && rows > 0; iteration++) {
        long capped = 0;
        double free = 0;
        for (double w : weight) {
          if (lambda * w >= cap) {
            capped++;
          } else {
            free += w;
          }
        }
        if (free == 0) {
          break;
        }
        double next = (rows - (double) cap * capped) / free;
        if (next <= lambda) {
          break;
        }
        lambda = next;
      }
      short[] count = new short[weight.length];
      double running = start;
      long floor = 0;
      long sum = 0;
      for (int i = 0; i < weight.length; i++) {
        running += Math.min(cap, lambda * weight[i]);
        long f = (long) running;
        int n = (int) Math.max(0, Math.min(cap, f - floor));
        floor = f;
        count[i] = (short) (weight[i] > 0 ? n : 0);
        sum += count[i];
      }
      // Floating-point rounding leaves the total off by a row or two: settle it from the end.
      for (int i = weight.length - 1; sum != rows; i = (i == 0 ? weight.length - 1 : i - 1)) {
        if (sum < rows && weight[i] > 0 && count[i] < cap) {
          count[i]++;
          sum++;
        } else if (sum > rows && count[i] > 0) {
          count[i]--;
          sum--;
        }
      }
      return count;
    }

    /**
     * Cumulative inclusion probabilities of the codes in a relation of {@code n} rows, in
     * units of 2^-32: code k is in with probability min(1, mu * weight[k]), the probabilities
     * summing to exactly n. Fixed point makes each code's interval at most one unit wide, so
     * systematic sampling can never pick a code twice.
     */
    static long[] inclusion(double[] weight, int n) {
      final long one = 1L << 32;
      double mu = n / sum(weight);
      for (int iteration = 0; iteration < 200; iteration++) {
        int capped = 0;
        double free = 0;
        for (double w : weight) {
          if (mu * w >= 1) {
            capped++;
          } else {
            free += w;
          }
        }
        if (free == 0) {
          break;
        }
        double next = (n - capped) / free;
        if (next <= mu) {
          break;
        }
        mu = next;
      }
      long[] p = new long[weight.length];
      long missing = n * one;
      for (int k = 0; k < weight.length; k++) {
        p[k] = Math.min(one, (long) (mu * weight[k] * one));
        missing -= p[k];
      }
      // Hand the rounding remainder (a few units either way) to the codes that can take it.
      for (int k = 0; missing != 0; k = (k + 1) % weight.length) {
        long d = missing > 0 ? Math.min(missing, one - p[k]) : -Math.min(-missing, p[k]);
        p[k] += d;
        missing -= d;
      }
      long[] cum = new long[weight.length + 1];
      for (int k = 0; k < weight.length; k++) {
        cum[k + 1] = cum[k] + p[k];
      }
      return cum;
    }

    private static double sum(double[] a) {
      double s = 0;
      for (double x : a) {
        s += x;
      }
      return s;
    }
  }

  // --- random numbers ---------------------------------------------------------------------------

  /**
   * A counter-based generator: SplitMix64's output function over a key plus a counter. Keys
   * derived from (seed, relation, row) make every row's draws independent of the others, so a
   * relation split between two files is the same in both.
   */
  static final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    Rng reset(long key) {
      state = mix(key);
      return this;
    }

    long next() {
      return mix(state += GOLDEN);
    }

    double nextDouble() {
      return (next() >>> 11) * 0x1.0p-53;
    }

    static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  /**
   * exp(sigma * z) for z the standardized sum of four 12-bit uniforms (close to normal, and
   * bounded at 3.46 sigma, so no absurd values), indexed by the raw sum: a look-up in a table
   * that fits the cache instead of exp() per row.
   */
  static double[] logNormalTable(double sigma) {
    int size = 4 * 4095 + 1;
    double[] t = new double[size];
    double mean = 4 * 4095 / 2.0;
    double sd = 4096 * Math.sqrt(4 / 12.0);
    for (int s = 0; s < size; s++) {
      t[s] = StrictMath.exp(sigma * (s - mean) / sd);
    }
    return t;
  }

  static final double[] VALUE_SPREAD = logNormalTable(1.8);
  static final double[] PRICE_SPREAD = logNormalTable(0.5);

  static int sumOf12BitParts(long x) {
    return (int) ((x & 0xFFF) + ((x >>> 12) & 0xFFF) + ((x >>> 24) & 0xFFF)
        + ((x >>> 36) & 0xFFF));
  }

  // --- writing ------------------------------------------------------------------------------------

  static final byte[] HEADER_LINE = (String.join(",", HEADER) + "\n")
      .getBytes(StandardCharsets.US_ASCII);
  static final byte[] PARTNER2 = ascii("0,W00,World,");
  static final byte[] UNKNOWN_PARTNER = ascii("999,N/A,Unknown partner,");
  static final byte[] AFTER_QTY = ascii(",false,-1,N/A,,false,");
  static final byte[] AFTER_WGT = ascii(",false,,false,");
  static final byte[] NOT_A_NUMBER = ascii("n/a");
  static final byte[] DIGIT_PAIRS = new byte[200];
  static final long[] POWERS_OF_TEN = new long[19];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }
  static final byte[] TAIL = ascii(",0,true,false\n");
  static final byte[] SHORT_TAIL = ascii(",0,true\n");   // isAggregate missing: 46 fields

  /** Writes one file: its row range of the plan, into a byte buffer flushed in large blocks. */
  static final class FileWriter {
    private final Plan plan;
    private final byte[][] periodField = new byte[MONTHS][];
    private final byte[][][] codeField;
    private final byte[][] partnerField;
    private final byte[][] flowField = new byte[FLOWS][];
    private final int[] selected;
    private final Rng rng = new Rng();
    private final byte[] prefix = new byte[1024];
    private int prefixLength;
    // The relation being written.
    private int t;
    private int r;
    private int flow;
    private int p;
    private byte[][] codeFields;
    private double scale;
    private boolean imports;
    private OutputStream out;
    private long malformed;
    private final byte[] buf = new byte[1 << 20];
    private int pos;
    private long written;

    FileWriter(Plan plan) {
      this.plan = plan;
      for (int t = 0; t < MONTHS; t++) {
        int year = FIRST_YEAR + t / 12;
        int month = t % 12 + 1;
        String ym = year + (month < 10 ? "0" : "") + month;
        periodField[t] = ascii("C,M," + ym + "01," + year + "," + month + "," + ym + ",");
      }
      Code[] codes = plan.u.codes;
      codeField = new byte[2][codes.length][];
      for (int k = 0; k < codes.length; k++) {
        for (int e = 0; e < 2; e++) {
          String code = e == 0 ? codes[k].hs2017() : codes[k].hs2022();
          codeField[e][k] = ((e == 0 ? "H5" : "H6") + ",HS,true," + code + ","
              + csv(codes[k].desc()) + ",6,true,C00,TOTAL CPC,0,0,TOTAL MOT,8,kg,")
              .getBytes(StandardCharsets.UTF_8);
        }
      }
      Country[] partners = plan.u.partners;
      partnerField = new byte[partners.length][];
      for (int p = 0; p < partners.length; p++) {
        byte[] a = partners[p].field();
        partnerField[p] = new byte[a.length + PARTNER2.length];
        System.arraycopy(a, 0, partnerField[p], 0, a.length);
        System.arraycopy(PARTNER2, 0, partnerField[p], a.length, PARTNER2.length);
      }
      for (int f = 0; f < FLOWS; f++) {
        flowField[f] = ascii(FLOW_FIELDS[f]);
      }
      selected = new int[codes.length];
    }

    /** @return {malformed rows, bytes} */
    long[] write(int file, Path path) throws IOException {
      long left = plan.rowsIn(file);
      try (OutputStream out = Files.newOutputStream(path)) {
        this.out = out;
        put(HEADER_LINE);
        int rel = plan.fileRelation[file];
        int first = plan.fileOffset[file];
        for (; left > 0; rel++, first = 0) {
          int n = plan.count[rel];
          if (first < n) {
            int last = (int) Math.min(n, first + left);
            writeRelation(rel, first, last);
            left -= last - first;
          }
        }
        flush();
      } finally {
        this.out = null;
      }
      return new long[] {malformed, written};
    }

    /** Rows first..last-1 of a relation, whose codes are always drawn in full. */
    private void writeRelation(int rel, int first, int last) throws IOException {
      int partners = plan.u.partners.length;
      p = rel % partners;
      flow = rel / partners % FLOWS;
      r = rel / partners / FLOWS % plan.u.reporters.length;
      t = rel / partners / FLOWS / plan.u.reporters.length;
      long key = Rng.mix(plan.seed ^ Rng.mix(rel + 1L));
      selectCodes(key, plan.count[rel]);
      // The fields up to partner2 are the same on every row of a relation: join them once.
      prefixLength = 0;
      append(periodField[t]);
      append(plan.u.reporters[r].field());
      append(flowField[flow]);
      append(partnerField[p]);
      codeFields = codeField[t >= FIRST_H6_MONTH ? 1 : 0];
      scale = plan.pairScale[r][p];
      imports = flow == 1 || flow == 3;
      for (int j = first; j < last; j++) {
        if (buf.length - pos < 4096) {
          flush();
        }
        writeRow(selected[j], key + (j + 1L) * 0xD1B54A32D192ED03L);
      }
    }

    private void append(byte[] b) {
      System.arraycopy(b, 0, prefix, prefixLength, b.length);
      prefixLength += b.length;
    }

    private void writeRow(int k, long rowKey) {
      rng.reset(rowKey);
      long a = rng.next();
      int kind = (a >>> 11) < MALFORMED_THRESHOLD ? (int) ((a & 0xFFFF) % 3) : -1;
      Code code = plan.u.codes[k];
      double usd = code.medianUsd() * scale * VALUE_SPREAD[sumOf12BitParts(rng.next())];
      long cents = Math.max(1000, Math.min(900_000_000_000L, (long) (usd * 100 + 0.5)));
      double price = code.usdPerKg() * PRICE_SPREAD[sumOf12BitParts(rng.next())];
      long kg = Math.max(1, (long) (cents / 100.0 / price + 0.5));

      if (kind == 2) {
        put(periodField[t]);
        put(plan.u.reporters[r].field());
        put(flowField[flow]);
        put(UNKNOWN_PARTNER);
        put(PARTNER2);
      } else {
        System.arraycopy(prefix, 0, buf, pos, prefixLength);
        pos += prefixLength;
      }
      put(codeFields[k]);
      int kgAt = pos;
      putLong(kg);
      int kgLength = pos - kgAt;
      put(AFTER_QTY);
      repeat(kgAt, kgLength);
      put(AFTER_WGT);
      if (!imports) {
        buf[pos++] = ',';   // cifvalue empty
      }
      int valueAt = pos;
      if (kind == 0) {
        put(NOT_A_NUMBER);
      } else {
        putCents(cents);
      }
      int valueLength = pos - valueAt;
      if (imports) {
        buf[pos++] = ',';   // fobvalue empty
      }
      buf[pos++] = ',';
      repeat(valueAt, valueLength);
      put(kind == 1 ? SHORT_TAIL : TAIL);
      if (kind >= 0) {
        malformed++;
      }
    }

    /** Systematic sampling: one random start, n points one unit apart, one code per point. */
    private void selectCodes(long key, int n) {
      long[] cum = plan.cumulative[n];
      long start = rng.reset(key).next() >>> 32;
      int k = 0;
      for (int i = 0; i < n; i++) {
        long target = start + ((long) i << 32);
        // The code is the largest k with cum[k] <= target; targets rise, so search onwards
        // from the previous code: a walk when many codes are taken, a bisection when few.
        if (n * 16 >= cum.length) {
          while (cum[k + 1] <= target) {
            k++;
          }
        } else {
          int hi = cum.length - 2;
          while (k < hi) {
            int mid = (k + hi + 1) >>> 1;
            if (cum[mid] <= target) {
              k = mid;
            } else {
              hi = mid - 1;
            }
          }
        }
        selected[i] = k;
      }
    }

    /** USD with two decimals, from cents, without BigDecimal or String.format. */
    private void putCents(long cents) {
      putLong(cents / 100);
      int c = (int) (cents % 100);
      buf[pos++] = '.';
      buf[pos++] = DIGIT_PAIRS[2 * c];
      buf[pos++] = DIGIT_PAIRS[2 * c + 1];
    }

    /** Copies the {@code length} bytes written at {@code from} to the end again. */
    private void repeat(int from, int length) {
      System.arraycopy(buf, from, buf, pos, length);
      pos += length;
    }

    private void put(byte[] b) {
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    /** A non-negative long in decimal, two digits per division. */
    private void putLong(long v) {
      int digits = 1;
      while (digits < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[digits]) {
        digits++;
      }
      int i = pos + digits;
      pos = i;
      while (v >= 100) {
        int r = (int) (v % 100);
        v /= 100;
        buf[--i] = DIGIT_PAIRS[2 * r + 1];
        buf[--i] = DIGIT_PAIRS[2 * r];
      }
      if (v >= 10) {
        buf[--i] = DIGIT_PAIRS[2 * (int) v + 1];
        buf[--i] = DIGIT_PAIRS[2 * (int) v];
      } else {
        buf[--i] = (byte) ('0' + v);
      }
    }

    private void flush() throws IOException {
      out.write(buf, 0, pos);
      written += pos;
      pos = 0;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A CSV field, quoted when it holds a comma or quote. */
  static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
