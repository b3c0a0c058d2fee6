/** Generator of realistic TMDB-shaped JSONL data sets, for tests and benchmarks. */
package tmdb.ingestion.datagen;
