package io.srlm.steps;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.Finisher;
import com.johnsnowlabs.nlp.annotators.NGramGenerator;
import com.johnsnowlabs.nlp.annotators.Normalizer;
import com.johnsnowlabs.nlp.annotators.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Near-duplicate detection for generated prompts: Spark NLP (DocumentAssembler, Tokenizer, Normalizer,
 * NGramGenerator; rule-based, nothing downloaded) turns each text into its word 1..n-grams; Spark MLlib's
 * MinHashLSH then finds pairs whose Jaccard similarity reaches the threshold, between candidates and reference
 * texts (seed prompts, earlier iterations' prompts) and among candidates.
 */
final class NearDuplicates {
  /** A text to compare: kind is "candidate", "seed" or "earlier"; order breaks ties among candidates. */
  record Text(String id, String text, String kind, long order) {}

  /** For each candidate id that is a near-duplicate: the reason and the id it duplicates. */
  record Match(String reason, String of) {}

  private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType, false)
      .add("text", DataTypes.StringType, false).add("kind", DataTypes.StringType, false)
      .add("ord", DataTypes.LongType, false);

  private NearDuplicates() {}

  /**
   * @param accepted candidate ids still eligible, in order; a candidate matching an earlier eligible candidate is a
   *     batch duplicate (the first occurrence is kept)
   */
  static Map<String, Match> find(SparkSession spark, List<Text> texts, int ngram, double jaccard, int tables,
      long seed) {
    List<Row> rows = new ArrayList<>();
    for (Text t : texts) {
      rows.add(RowFactory.create(t.id(), t.text(), t.kind(), t.order()));
    }
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
    Dataset<Row> feats = features(df, ngram).where(functions.size(functions.col("grams")).gt(0));
    MinHashLSH lsh = new MinHashLSH().setNumHashTables(tables).setSeed(seed).setInputCol("features")
        .setOutputCol("hashes");
    MinHashLSHModel model = lsh.fit(feats);
    Dataset<Row> cand = feats.where(functions.col("kind").equalTo("candidate"));
    Dataset<Row> ref = feats.where(functions.col("kind").notEqual("candidate"));
    double thr = 1 - jaccard + 1e-9;
    Map<String, Match> out = new HashMap<>();
    Map<String, Double> best = new HashMap<>();
    for (Row r : model.approxSimilarityJoin(cand, ref, thr, "dist")
        .select("datasetA.id", "datasetB.id", "datasetB.kind", "dist").collectAsList()) {
      String id = r.getString(0);
      double d = r.getDouble(3);
      String reason = r.getString(2).equals("seed") ? "near_duplicate_seed" : "near_duplicate_earlier";
      Double prev = best.get(id);
      if (prev == null || d < prev || (d == prev && r.getString(1).compareTo(out.get(id).of()) < 0)) {
        best.put(id, d);
        out.put(id, new Match(reason, r.getString(1)));
      }
    }
    Map<String, List<String>> similarEarlier = new HashMap<>();
    for (Row r : model.approxSimilarityJoin(cand, cand, thr, "dist")
        .where(functions.col("datasetA.ord").gt(functions.col("datasetB.ord")))
        .select("datasetA.id", "datasetB.id").collectAsList()) {
      similarEarlier.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1));
    }
    List<Text> ordered = new ArrayList<>();
    for (Text t : texts) {
      if (t.kind().equals("candidate")) {
        ordered.add(t);
      }
    }
    ordered.sort((a, b) -> Long.compare(a.order(), b.order()));
    java.util.Set<String> kept = new java.util.HashSet<>();
    for (Text t : ordered) {
      if (out.containsKey(t.id())) {
        continue;
      }
      String dup = null;
      for (String e : similarEarlier.getOrDefault(t.id(), List.of())) {
        if (kept.contains(e) && (dup == null || e.compareTo(dup) < 0)) {
          dup = e;
        }
      }
      if (dup != null) {
        out.put(t.id(), new Match("near_duplicate_batch", dup));
      } else {
        kept.add(t.id());
      }
    }
    return out;
  }

  /** Adds "grams" (word 1..n-grams, lower-cased, letters and digits only) and binary "features" vectors. */
  static Dataset<Row> features(Dataset<Row> df, int ngram) {
    DocumentAssembler doc = new DocumentAssembler();
    doc.setInputCol("text");
    doc.setOutputCol("document");
    Tokenizer tok = new Tokenizer();
    tok.setInputCols(new String[] {"document"});
    tok.setOutputCol("token");
    Normalizer norm = new Normalizer();
    norm.setInputCols(new String[] {"token"});
    norm.setOutputCol("normalized");
    norm.setLowercase(true);
    norm.setCleanupPatterns(new String[] {"[^\\pL\\pN]"});
    NGramGenerator grams = new NGramGenerator();
    grams.setInputCols(new String[] {"normalized"});
    grams.setOutputCol("ngrams");
    grams.setN(ngram);
    grams.setEnableCumulative(true);
    Finisher fin = new Finisher();
    fin.setInputCols(new String[] {"ngrams"});
    fin.setOutputCols(new String[] {"grams"});
    fin.setOutputAsArray(true);
    fin.setCleanAnnotations(true);
    PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {doc, tok, norm, grams, fin}).fit(df);
    Dataset<Row> out = pm.transform(df);
    HashingTF tf = new HashingTF().setInputCol("grams").setOutputCol("features").setNumFeatures(1 << 18)
        .setBinary(true);
    return tf.transform(out);
  }
}
