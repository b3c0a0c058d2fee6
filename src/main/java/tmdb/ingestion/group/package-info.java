/** The instance's membership of its group: which files partitions it owns, and what happens when they move. */
package tmdb.ingestion.group;
