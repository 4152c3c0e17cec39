package org.dualflow.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes {@code sample-data/}: illustrative UN Comtrade final-data files whose values
 * are invented but calibrated to published figures (see {@code sample-data/README.md}), with the
 * defects real downloads have. Deterministic: the same code writes the same bytes, which
 * {@code SampleDataTest} checks against the committed files. The other sources' files come from
 * {@link OtherSourcesSample}.
 *
 * <p>Run: {@code mvn -q test-compile && java -cp target/test-classes
 * org.dualflow.sample.SampleDataGenerator sample-data}
 */
public final class SampleDataGenerator {

  static final String[] HEADER = {"typeCode", "freqCode", "refPeriodId", "refYear", "refMonth",
      "period", "reporterCode", "reporterISO", "reporterDesc", "flowCode", "flowDesc",
      "partnerCode", "partnerISO", "partnerDesc", "partner2Code", "partner2ISO", "partner2Desc",
      "classificationCode", "classificationSearchCode", "isOriginalClassification", "cmdCode",
      "cmdDesc", "aggrLevel", "isLeaf", "customsCode", "customsDesc", "mosCode", "motCode",
      "motDesc", "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode",
      "altQtyUnitAbbr", "altQty", "isAltQtyEstimated", "netWgt", "isNetWgtEstimated", "grossWgt",
      "isGrossWgtEstimated", "cifvalue", "fobvalue", "primaryValue", "legacyEstimationFlag",
      "isReported", "isAggregate"};

  static final int FIRST_YEAR = 2019;
  static final int LAST_YEAR = 2024;

  /** Country: Comtrade code as the API writes it (no leading zeros), ISO3, description. */
  record Country(String code, String iso, String desc) {
  }

  static final Country CHN = new Country("156", "CHN", "China");
  static final Country HKG = new Country("344", "HKG", "China, Hong Kong SAR");
  static final Country RUS = new Country("643", "RUS", "Russian Federation");
  static final Country KAZ = new Country("398", "KAZ", "Kazakhstan");
  static final Country KGZ = new Country("417", "KGZ", "Kyrgyzstan");
  static final Country ARM = new Country("51", "ARM", "Armenia");
  static final Country DEU = new Country("276", "DEU", "Germany");
  static final Country NLD = new Country("528", "NLD", "Netherlands");
  static final Country FRA = new Country("251", "FRA", "France");
  static final Country ITA = new Country("380", "ITA", "Italy");
  static final Country WORLD = new Country("0", "W00", "World");

  /** A product: HS2017 and HS2022 codes (equal when unchanged), description, USD per kg. */
  record Product(String hs2017, String hs2022, String desc, int usdPerKg) {
    String code(int year) {
      return year >= 2022 ? hs2022 : hs2017;
    }

    boolean isChpl() {
      return CHPL_2024.contains(hs2022);
    }
  }

  /** The 50 HS 2022 codes of the CHPL (February 2024), for the generator's own tally. */
  static final java.util.Set<String> CHPL_2024 = java.util.Set.of("854231", "854232", "854233",
      "854239", "851762", "852691", "853221", "853224", "854800", "847150", "850440", "851769",
      "852589", "852910", "852990", "853669", "853690", "854110", "854121", "854129", "854130",
      "854149", "854151", "854159", "854160", "848210", "848220", "848230", "848250", "880730",
      "901310", "901380", "901420", "901480", "847180", "848610", "848620", "848640", "853400",
      "854320", "902750", "903020", "903032", "903039", "903082", "845710", "845811", "845891",
      "845961", "846693");

  static final Product IC_PROC = new Product("854231", "854231",
      "Electronic integrated circuits; processors and controllers", 4000);
  static final Product IC_MEM = new Product("854232", "854232",
      "Electronic integrated circuits; memories", 3000);
  static final Product IC_AMP = new Product("854233", "854233",
      "Electronic integrated circuits; amplifiers", 2500);
  static final Product IC_OTHER = new Product("854239", "854239",
      "Electronic integrated circuits; n.e.c. in heading 8542", 2500);
  static final Product ROUTERS = new Product("851762", "851762",
      "Machines for the reception, conversion and transmission of voice, images or other data",
      300);
  static final Product CAPACITORS = new Product("853224", "853224",
      "Fixed capacitors; ceramic dielectric, multilayer", 200);
  static final Product ELEC_PARTS = new Product("854890", "854800",
      "Electrical parts of machinery or apparatus, n.e.c. in chapter 85", 60);
  static final Product PHOTO_SEMI = new Product("854140", "854149",
      "Photosensitive semiconductor devices", 150);
  static final Product SEMI_OTHER = new Product("854150", "854159",
      "Semiconductor devices; other", 400);
  static final Product CAMERAS = new Product("852580", "852589",
      "Television cameras, digital cameras and video camera recorders", 250);
  static final Product AIRCRAFT_PARTS = new Product("880330", "880730",
      "Parts of aeroplanes, helicopters or unmanned aircraft", 500);
  static final Product BEARINGS = new Product("848210", "848210", "Ball bearings", 15);
  static final Product ADP_UNITS = new Product("847180", "847180",
      "Units of automatic data processing machines; n.e.c. in heading 8471", 150);
  static final Product LATHES = new Product("845811", "845811",
      "Lathes; horizontal, for removing metal, numerically controlled", 25);
  static final Product CARS = new Product("870323", "870323",
      "Motor cars; spark-ignition engine of a cylinder capacity over 1500cc but not over 3000cc",
      20);
  static final Product COFFEE = new Product("090111", "090111",
      "Coffee; not roasted or decaffeinated", 5);
  static final Product IC_PARTS = new Product("854290", "854290",
      "Electronic integrated circuits; parts", 500);

  static final Product[] IC = {IC_PROC, IC_MEM, IC_AMP, IC_OTHER};
  static final double[] IC_SHARES = {0.45, 0.20, 0.10, 0.25};
  /** China's CHPL goods other than ICs, with their shares of that remainder. */
  static final Product[] CHINA_OTHER_CHPL = {ROUTERS, CAPACITORS, ELEC_PARTS, PHOTO_SEMI,
      SEMI_OTHER, CAMERAS, AIRCRAFT_PARTS, BEARINGS, ADP_UNITS, LATHES};
  static final double[] CHINA_OTHER_SHARES = {0.16, 0.06, 0.10, 0.05, 0.08, 0.07, 0.10, 0.14,
      0.20, 0.04};

  private final Random random = new Random(20240223L);
  private final Map<String, BigDecimal> chplToRussia2023 = new java.util.TreeMap<>();
  private final Map<String, List<String>> files = new LinkedHashMap<>();

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "sample-data");
    for (Map.Entry<String, byte[]> f : new SampleDataGenerator().generate().entrySet()) {
      Files.createDirectories(out.resolve(f.getKey()).getParent());
      Files.write(out.resolve(f.getKey()), f.getValue());
    }
  }

  /** Path under sample-data/ to content, in the order written. */
  public Map<String, byte[]> generate() throws IOException {
    china();
    hongKong();
    kazakhstan();
    kyrgyzstan();
    armenia();
    europe();
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> f : files.entrySet()) {
      String name = f.getKey();
      boolean crlf = name.contains("HKG");
      boolean bom = name.contains("KAZ");
      StringBuilder sb = new StringBuilder(bom ? "\uFEFF" : "");
      for (String line : f.getValue()) {
        sb.append(line).append(crlf ? "\r\n" : "\n");
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      out.put("comtrade/" + name, name.endsWith(".gz") ? gzip(bytes) : bytes);
    }
    out.putAll(new OtherSourcesSample().generate());
    return out;
  }

  // --- China: exports, H5 to 2021 and H6 from 2022 -------------------------------------------

  /** China's CHPL exports to Russia per month, USD million (2023 peaks in December). */
  static final double[] CHINA_RUS_CHPL_2023 = {250, 260, 300, 320, 340, 360, 380, 400, 420, 450,
      500, 620};
  static final double[] CHINA_RUS_CHPL_2024 = {330, 310, 340, 320, 330, 320, 310, 320, 330, 340,
      320, 330};
  static final Map<Integer, Double> CHINA_RUS_CHPL_YEAR = Map.of(2019, 900.0, 2020, 950.0, 2021,
      1100.0, 2022, 1700.0);
  /** China's HS 8542 exports to Russia, USD: WSJ via abachy.com, 74m in 2021, 179m in 2022. */
  static final Map<Integer, BigDecimal> CHINA_RUS_IC = Map.of(2019, usd(55_000_000), 2020,
      usd(61_000_000), 2021, usd(74_000_000), 2022, usd(179_000_000), 2023, usd(320_000_000),
      2024, usd(290_000_000));

  private void china() {
    List<String> rows = new ArrayList<>();
    rows.add(String.join(",", HEADER));
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      BigDecimal[] chpl = monthlyChinaChpl(year);
      double[] weights = weightsOf(chpl);
      BigDecimal[] ic = split(CHINA_RUS_IC.get(year), weights);
      for (int m = 1; m <= 12; m++) {
        BigDecimal icMonth = ic[m - 1];
        BigDecimal[] icByCode = split(icMonth, IC_SHARES);
        BigDecimal other = chpl[m - 1].subtract(icMonth);
        BigDecimal[] otherByCode = split(other, CHINA_OTHER_SHARES);
        for (int i = 0; i < IC.length; i++) {
          rows.add(row(CHN, "X", RUS, year, m, IC[i], icByCode[i]));
        }
        for (int i = 0; i < CHINA_OTHER_CHPL.length; i++) {
          rows.add(row(CHN, "X", RUS, year, m, CHINA_OTHER_CHPL[i], otherByCode[i]));
        }
        // Non-CHPL goods, including one whose code lost its leading zero.
        rows.add(row(CHN, "X", RUS, year, m, CARS, vary(year >= 2022 ? 900e6 : 150e6)));
        rows.add(row(CHN, "X", RUS, year, m, IC_PARTS, vary(2e6)));
        rows.add(row(CHN, "X", RUS, year, m, COFFEE, vary(0.3e6))
            .replace(",090111,", ",90111,"));
        // Aggregates that must not be added to their children.
        rows.add(aggregate(CHN, "X", RUS, year, m, "8542", 4, sum(icByCode)));
        rows.add(aggregate(CHN, "X", RUS, year, m, "TOTAL", 0,
            chpl[m - 1].multiply(BigDecimal.TEN)));
        BigDecimal toWorld = BigDecimal.ZERO;
        for (Country c : new Country[] {KAZ, KGZ, ARM}) {
          BigDecimal v = vary(transitIcFromChina(c, year));
          rows.add(row(CHN, "X", c, year, m, IC_PROC, v));
          toWorld = toWorld.add(v);
        }
        rows.add(row(CHN, "X", WORLD, year, m, IC_PROC,
            toWorld.add(icByCode[0]).multiply(BigDecimal.valueOf(12))));
        if (year == 2023 && m >= 10) {
          // Break-down by transport mode of a total already in the file.
          BigDecimal rail = icByCode[0].multiply(new BigDecimal("0.7"))
              .setScale(2, RoundingMode.HALF_UP);
          rows.add(untracked(CHN, "X", RUS, year, m, IC_PROC, rail)
              .replace(",0,0,TOTAL MOT,", ",0,3100,Railway,"));
          rows.add(untracked(CHN, "X", RUS, year, m, IC_PROC, icByCode[0].subtract(rail))
              .replace(",0,0,TOTAL MOT,", ",0,3200,Road,"));
        }
      }
    }
    // Defects of real downloads, each quarantined with its own reason.
    String good = row(CHN, "X", KAZ, 2024, 6, BEARINGS, usd(1_234_567));
    rows.add(good.substring(0, good.length() / 2));                       // truncated line
    rows.add(row(CHN, "X", KAZ, 2024, 6, new Product("848220", "848220",
        "Tapered roller bearings", 15), usd(10_000))
        .replace(",Tapered roller bearings,", ",Tapered roller bearings, incl. cones,"));
    rows.add(row(CHN, "X", KGZ, 2024, 7, ADP_UNITS, usd(50_000)).replace(",50000.00,0,", ",n/a,0,"));
    rows.add(row(new Country("156", "CHN", "China"), "X", new Country("999", "", "Atlantis"), 2024,
        7, ADP_UNITS, usd(70_000)));
    rows.add(row(CHN, "X", ARM, 2024, 8, ADP_UNITS, usd(80_000))
        .replace(",847180,", ",,"));
    rows.add(row(CHN, "X", ARM, 2024, 8, CAPACITORS, usd(1)).replace(",1.00,0,", ",1e25,0,"));
    rows.add(row(CHN, "X", ARM, 2024, 9, CAPACITORS, usd(90_000))
        .replace(",156,CHN,China,", ",156,RUS,China,"));
    files.put("comtrade-CHN-X-M-2019-2024.csv", rows);
  }

  private BigDecimal[] monthlyChinaChpl(int year) {
    double[] explicit = year == 2023 ? CHINA_RUS_CHPL_2023 : year == 2024 ? CHINA_RUS_CHPL_2024
        : null;
    if (explicit != null) {
      BigDecimal[] out = new BigDecimal[12];
      for (int m = 0; m < 12; m++) {
        out[m] = usd(Math.round(explicit[m] * 1_000_000));
      }
      return out;
    }
    return split(usd(Math.round(CHINA_RUS_CHPL_YEAR.get(year) * 1_000_000)), seasonal());
  }

  private static double transitIcFromChina(Country c, int year) {
    double base = c == KAZ ? 0.8e6 : c == KGZ ? 0.3e6 : 0.2e6;
    return year >= 2022 ? base * 6 : base;
  }

  // --- Hong Kong: exports (X) and re-exports (RX, "of which"), CRLF line ends -----------------

  /** Hong Kong's HS 8542 exports to Russia: Carnegie (Kot, 2023), about 400m in 2022, doubled. */
  static final Map<Integer, BigDecimal> HONG_KONG_RUS_IC = Map.of(2019, usd(150_000_000), 2020,
      usd(170_000_000), 2021, usd(200_000_000), 2022, usd(400_000_000), 2023,
      usd(650_000_000), 2024, usd(460_000_000));
  static final Map<Integer, BigDecimal> HONG_KONG_RUS_OTHER_CHPL = Map.of(2019,
      usd(30_000_000), 2020, usd(50_000_000), 2021, usd(100_000_000), 2022, usd(200_000_000),
      2023, usd(350_000_000), 2024, usd(240_000_000));

  private void hongKong() {
    List<String> rows = new ArrayList<>();
    rows.add(String.join(",", HEADER));
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      double[] w = seasonal();
      BigDecimal[] ic = split(HONG_KONG_RUS_IC.get(year), w);
      BigDecimal[] other = split(HONG_KONG_RUS_OTHER_CHPL.get(year), w);
      for (int m = 1; m <= 12; m++) {
        BigDecimal[] icByCode = split(ic[m - 1], new double[] {0.5, 0.3, 0.0, 0.2});
        BigDecimal[] otherByCode = split(other[m - 1], new double[] {0.7, 0.3});
        for (int i = 0; i < IC.length; i++) {
          if (icByCode[i].signum() == 0) {
            continue;
          }
          rows.add(row(HKG, "X", RUS, year, m, IC[i], icByCode[i]));
          BigDecimal reexport = icByCode[i].multiply(new BigDecimal("0.9"))
              .setScale(2, RoundingMode.HALF_UP);
          rows.add(row(HKG, "RX", RUS, year, m, IC[i], reexport));
          if (year >= 2022 && i == 0) {
            // Re-exports of Chinese origin: a break-down by second partner.
            rows.add(row(HKG, "RX", RUS, year, m, IC[i], reexport.multiply(new BigDecimal("0.6"))
                .setScale(2, RoundingMode.HALF_UP))
                .replace(",0,W00,World,", ",156,CHN,China,"));
          }
        }
        rows.add(row(HKG, "X", RUS, year, m, ROUTERS, otherByCode[0]));
        rows.add(row(HKG, "X", RUS, year, m, SEMI_OTHER, otherByCode[1]));
      }
    }
    files.put("comtrade-HKG-X-RX-M-2019-2024.csv", rows);
  }

  // --- Transit hubs: exports to Russia (X) and imports from China (M, CIF) --------------------

  /**
   * HS 8542 exports to Russia, monthly mean before (2020-01..2022-02) and after
   * (2022-03..2024-12) the full-scale invasion, USD: github JungYeoni/trade-circumvention-monitor
   * reports/02_sanctions_trade_shift.md (Kazakhstan 13,196 to 1,043,092; Armenia 1,079 to
   * 1,006,057).
   */
  static final long KAZ_IC_PRE = 13_196;
  static final long KAZ_IC_POST = 1_043_092;
  static final long ARM_IC_PRE = 1_079;
  static final long ARM_IC_POST = 1_006_057;
  static final int PRE_MONTHS = 26;
  static final int POST_MONTHS = 34;

  private void kazakhstan() {
    List<String> rows = new ArrayList<>();
    rows.add(String.join(",", HEADER));
    transitHub(rows, KAZ, KAZ_IC_PRE, KAZ_IC_POST, 9e6, 2.0e6);
    files.put("comtrade-KAZ-X-M-2019-2024.csv", rows);
  }

  private void armenia() {
    List<String> rows = new ArrayList<>();
    rows.add(String.join(",", HEADER));
    transitHub(rows, ARM, ARM_IC_PRE, ARM_IC_POST, 6e6, 0.4e6);
    files.put("comtrade-ARM-X-M-2019-2024.csv", rows);
    // The 2023 rows downloaded again, one of them revised since.
    List<String> again = new ArrayList<>();
    again.add(String.join(",", HEADER));
    for (String r : rows) {
      if (r.startsWith("C,M,2023")) {
        again.add(r);
      }
    }
    String[] f = again.get(1).split(",", -1);   // no quoted commas in this row
    String bumped = new BigDecimal(f[43]).add(new BigDecimal("1000.00")).toPlainString();
    f[42] = bumped;                               // fobvalue
    f[43] = bumped;                               // primaryValue
    again.set(1, String.join(",", f));
    files.put("comtrade-ARM-X-M-2023-redownload.csv.gz", again);
  }

  /**
   * A transit hub's ICs to Russia (calibrated pre/post means), other CHPL goods to Russia rising
   * after 2022, and its imports of processors from China.
   */
  private void transitHub(List<String> rows, Country hub, long preMean, long postMean,
      double otherChplPostMonthly, double importsPostMonthly) {
    BigDecimal[] pre = split(usd(preMean * PRE_MONTHS), flat(PRE_MONTHS));
    BigDecimal[] post = split(usd(postMean * POST_MONTHS), rising(POST_MONTHS));
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      for (int m = 1; m <= 12; m++) {
        int index = (year - 2020) * 12 + (m - 1);     // months since 2020-01
        BigDecimal ic;
        if (index < 0) {
          ic = usd(preMean).multiply(new BigDecimal("0.9"));
        } else if (index < PRE_MONTHS) {
          ic = pre[index];
        } else {
          ic = post[index - PRE_MONTHS];
        }
        BigDecimal[] icByCode = split(ic, new double[] {0.6, 0.4});
        rows.add(row(hub, "X", RUS, year, m, IC_PROC, icByCode[0]));
        rows.add(row(hub, "X", RUS, year, m, IC_OTHER, icByCode[1]));
        boolean war = year > 2022 || (year == 2022 && m >= 3);
        rows.add(row(hub, "X", RUS, year, m, ADP_UNITS,
            vary(war ? otherChplPostMonthly * 0.6 : otherChplPostMonthly * 0.05)));
        rows.add(row(hub, "X", RUS, year, m, ROUTERS,
            vary(war ? otherChplPostMonthly * 0.4 : otherChplPostMonthly * 0.04)));
        rows.add(row(hub, "X", RUS, year, m, CARS, vary(2e6)));
        rows.add(row(hub, "M", CHN, year, m, IC_PROC,
            vary(war ? importsPostMonthly : importsPostMonthly * 0.2)));
        rows.add(row(hub, "M", CHN, year, m, ADP_UNITS,
            vary(war ? otherChplPostMonthly * 0.8 : otherChplPostMonthly * 0.1)));
      }
    }
  }

  // --- Kyrgyzstan: annual rows to 2021, monthly from 2022 -------------------------------------

  private void kyrgyzstan() {
    List<String> rows = new ArrayList<>();
    rows.add(String.join(",", HEADER));
    for (int year = FIRST_YEAR; year <= 2021; year++) {
      rows.add(annual(KGZ, "X", RUS, year, ADP_UNITS, vary(3e6)));
      rows.add(annual(KGZ, "X", RUS, year, IC_PROC, vary(0.05e6)));
      rows.add(annual(KGZ, "M", CHN, year, ADP_UNITS, vary(6e6)));
    }
    for (int year = 2022; year <= LAST_YEAR; year++) {
      for (int m = 1; m <= 12; m++) {
        boolean war = year > 2022 || m >= 3;
        rows.add(row(KGZ, "X", RUS, year, m, ADP_UNITS, vary(war ? 7e6 : 0.3e6)));
        rows.add(row(KGZ, "X", RUS, year, m, IC_PROC, vary(war ? 0.5e6 : 0.005e6)));
        rows.add(row(KGZ, "X", RUS, year, m, BEARINGS, vary(war ? 1.5e6 : 0.1e6)));
        rows.add(row(KGZ, "M", CHN, year, m, ADP_UNITS, vary(war ? 9e6 : 0.5e6)));
      }
    }
    rows.add(row(KGZ, "X", RUS, 2020, 5, ADP_UNITS, usd(1000)).replace(",H5,", ",H4,"));
    rows.add(row(KGZ, "X", RUS, 2023, 5, BEARINGS, usd(2000))
        .replace("C,M,20230501,2023,5,202305,", "C,M,20231301,2023,13,202313,"));
    files.put("comtrade-KGZ-X-M-A-2019-2024.csv", rows);
  }

  // --- EU member states: ICs and other CHPL goods to Russia ------------------------------------

  /**
   * EU-27 HS 8542 exports to Russia in EUR million (Eurostat Comext DS-045409: 558.5 in 2020,
   * 620.9 in 2021, 118.8 in 2022) at the year's mean Fed EUR rate (1.1413, 1.1834, 1.0538);
   * 2019, 2023 and 2024 invented. Split between four member states.
   */
  static final Map<Integer, BigDecimal> EU_RUS_IC = Map.of(2019, usd(600_000_000), 2020,
      usd(637_410_000), 2021, usd(734_770_000), 2022, usd(125_190_000), 2023, usd(5_000_000),
      2024, usd(3_000_000));
  static final Map<Integer, BigDecimal> EU_RUS_OTHER_CHPL = Map.of(2019, usd(1_500_000_000),
      2020, usd(1_400_000_000), 2021, usd(1_600_000_000), 2022, usd(700_000_000), 2024,
      usd(40_000_000));

  /**
   * Greater China (CHN, HKG, MAC) held about 90% of Russia's CHPL imports in 2023 (Carnegie,
   * Sher 2024): the EU's other CHPL exports of 2023 are set so that everyone else adds up to
   * exactly a ninth of greater China's exports.
   */
  private BigDecimal euOtherChpl2023() {
    BigDecimal greaterChina = BigDecimal.ZERO;
    BigDecimal rest = BigDecimal.ZERO;
    for (int m = 0; m < 12; m++) {
      greaterChina = greaterChina.add(usd(Math.round(CHINA_RUS_CHPL_2023[m] * 1_000_000)));
    }
    greaterChina = greaterChina.add(HONG_KONG_RUS_IC.get(2023))
        .add(HONG_KONG_RUS_OTHER_CHPL.get(2023));
    for (Map.Entry<String, BigDecimal> e : chplToRussia2023.entrySet()) {
      if (!e.getKey().equals("CHN") && !e.getKey().equals("HKG")) {
        rest = rest.add(e.getValue());
      }
    }
    return greaterChina.divide(BigDecimal.valueOf(9), 2, RoundingMode.HALF_UP)
        .subtract(rest).subtract(EU_RUS_IC.get(2023));
  }

  private void europe() {
    List<String> rows = new ArrayList<>();
    rows.add(String.join(",", HEADER));
    Country[] members = {DEU, NLD, FRA, ITA};
    double[] memberShares = {0.45, 0.30, 0.15, 0.10};
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      double[] w = year == 2022 ? warYear() : seasonal();
      BigDecimal[] ic = split(EU_RUS_IC.get(year), w);
      BigDecimal[] other = split(year == 2023 ? euOtherChpl2023() : EU_RUS_OTHER_CHPL.get(year),
          w);
      for (int m = 1; m <= 12; m++) {
        BigDecimal[] icBy = split(ic[m - 1], memberShares);
        BigDecimal[] otherBy = split(other[m - 1], memberShares);
        for (int k = 0; k < members.length; k++) {
          BigDecimal[] icByCode = split(icBy[k], new double[] {0.5, 0.2, 0.1, 0.2});
          for (int i = 0; i < IC.length; i++) {
            rows.add(row(members[k], "X", RUS, year, m, IC[i], icByCode[i]));
          }
          BigDecimal[] o = split(otherBy[k], new double[] {0.4, 0.3, 0.3});
          rows.add(row(members[k], "X", RUS, year, m, BEARINGS, o[0]));
          rows.add(row(members[k], "X", RUS, year, m, ADP_UNITS, o[1]));
          rows.add(row(members[k], "X", RUS, year, m, LATHES, o[2]));
        }
      }
    }
    files.put("comtrade-EU4-X-M-2019-2024.csv", rows);
  }

  // --- rows --------------------------------------------------------------------------------------

  /** A total row; CHPL exports to Russia are tallied for the 2023 calibration. */
  private String row(Country reporter, String flow, Country partner, int year, int month,
      Product p, BigDecimal value) {
    if (flow.equals("X") && partner == RUS && year == 2023 && p.isChpl()) {
      chplToRussia2023.merge(reporter.iso(), value, BigDecimal::add);
    }
    return untracked(reporter, flow, partner, year, month, p, value);
  }

  /** A row outside the tally: break-downs and defects. */
  private static String untracked(Country reporter, String flow, Country partner, int year,
      int month, Product p, BigDecimal value) {
    String code = p.code(year);
    String desc = p.desc();
    if (code.equals("854231") && reporter == CHN && month == 3) {
      desc = "Electronic integrated circuits;\nprocessors and controllers";  // a line break inside quotes
    }
    // Prices per kilogram spread log-normally (sigma 10%) by reporter, partner, month and code,
    // deterministically; and one shipment declared at a hundred times its usual weight: the
    // undervalued record unit_value_outliers should find.
    double spread = Math.exp(0.1 * new Random(Objects.hash(reporter.iso(), partner.iso(), year,
        month, code)).nextGaussian());
    long kg = Math.max(1, value.divide(BigDecimal.valueOf(p.usdPerKg() * spread), 0,
        RoundingMode.HALF_UP).longValue());
    if (reporter == CHN && partner == KGZ && year == 2023 && month == 6 && p == IC_PROC) {
      kg *= 100;
    }
    return line(reporter, flow, partner, "M", year, month, year >= 2022 ? "H6" : "H5", code, desc,
        code.length(), value, kg);
  }

  private static String aggregate(Country reporter, String flow, Country partner, int year,
      int month, String code, int level, BigDecimal value) {
    String desc = level == 0 ? "All Commodities" : "Electronic integrated circuits";
    return line(reporter, flow, partner, "M", year, month, year >= 2022 ? "H6" : "H5", code, desc,
        level, value, 0);
  }

  private static String annual(Country reporter, String flow, Country partner, int year,
      Product p, BigDecimal value) {
    long kg = value.divide(BigDecimal.valueOf(p.usdPerKg()), 0, RoundingMode.HALF_UP).longValue();
    return line(reporter, flow, partner, "A", year, 52, "H5", p.code(year), p.desc(),
        p.code(year).length(), value, kg);
  }

  private static String line(Country reporter, String flow, Country partner, String freq,
      int year, int month, String classification, String code, String desc, int level,
      BigDecimal value, long kg) {
    boolean annual = freq.equals("A");
    String period = annual ? String.valueOf(year) : String.format("%d%02d", year, month);
    String periodId = annual ? year + "0101" : String.format("%d%02d01", year, month);
    String flowDesc = switch (flow) {
      case "X" -> "Export";
      case "M" -> "Import";
      case "RX" -> "Re-export";
      default -> "Re-import";
    };
    boolean imports = flow.endsWith("M");
    String v = value.toPlainString();
    String[] f = {"C", freq, periodId, String.valueOf(year), String.valueOf(month), period,
        reporter.code(), reporter.iso(), quote(reporter.desc()), flow, flowDesc, partner.code(),
        partner.iso(), quote(partner.desc()), "0", "W00", "World", classification, "HS", "true",
        code, quote(desc), String.valueOf(level), String.valueOf(level == 6), "C00", "TOTAL CPC",
        "0", "0", "TOTAL MOT", kg > 0 ? "8" : "-1", kg > 0 ? "kg" : "N/A",
        kg > 0 ? String.valueOf(kg) : "", "false", "-1", "N/A", "", "false",
        kg > 0 ? String.valueOf(kg) : "", "false", "", "false", imports ? v : "",
        imports ? "" : v, v, "0", "true", String.valueOf(level < 6)};
    return String.join(",", f);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\n") || s.contains("\"")
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  // --- numbers -----------------------------------------------------------------------------------

  static BigDecimal usd(long dollars) {
    return BigDecimal.valueOf(dollars).setScale(2, RoundingMode.UNNECESSARY);
  }

  private BigDecimal vary(double around) {
    double v = around * (0.8 + 0.4 * random.nextDouble());
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
  }

  /** Splits {@code total} by {@code weights} into cents that add up to {@code total} exactly. */
  static BigDecimal[] split(BigDecimal total, double[] weights) {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    BigDecimal[] parts = new BigDecimal[weights.length];
    BigDecimal allocated = BigDecimal.ZERO;
    int last = -1;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        last = i;
      }
    }
    for (int i = 0; i < weights.length; i++) {
      if (i == last) {
        parts[i] = total.subtract(allocated);
      } else {
        parts[i] = total.multiply(BigDecimal.valueOf(weights[i] / sum))
            .setScale(2, RoundingMode.HALF_UP);
        allocated = allocated.add(parts[i]);
      }
    }
    return parts;
  }

  private static BigDecimal sum(BigDecimal[] parts) {
    BigDecimal s = BigDecimal.ZERO;
    for (BigDecimal p : parts) {
      s = s.add(p);
    }
    return s;
  }

  private static double[] weightsOf(BigDecimal[] values) {
    double[] w = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      w[i] = values[i].doubleValue();
    }
    return w;
  }

  /** Twelve monthly weights: a mild seasonal swing with noise. */
  private double[] seasonal() {
    double[] w = new double[12];
    for (int m = 0; m < 12; m++) {
      w[m] = (1 + 0.15 * Math.sin(m / 12.0 * 2 * Math.PI)) * (0.85 + 0.3 * random.nextDouble());
    }
    return w;
  }

  /** 2022 for EU exporters: normal until February, then sanctions. */
  private static double[] warYear() {
    return new double[] {10, 10, 3, 1, 1, 1, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8};
  }

  private double[] flat(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 0.8 + 0.4 * random.nextDouble();
    }
    return w;
  }

  private double[] rising(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = (0.3 + Math.min(1.0, i / 10.0)) * (0.85 + 0.3 * random.nextDouble());
    }
    return w;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // A fixed header (no timestamp) keeps the bytes reproducible.
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
