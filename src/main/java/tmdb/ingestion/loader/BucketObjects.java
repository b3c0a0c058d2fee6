package tmdb.ingestion.loader;

import java.util.ArrayList;
import java.util.List;

import tmdb.ingestion.config.FolderRoutes.FolderRoute;
import tmdb.ingestion.content.StoredObject;
import tmdb.ingestion.file.FileLifecycle;

/**
 * The bucket listing route's step: lists the objects of every watched type and label, and keeps those the lifecycle
 * says are to be announced (not announced yet under that ETag). A type and label whose listing fails stops the pass
 * (nothing is announced of the ones after it until the next pass, which starts over).
 */
public final class BucketObjects {

    /** An object listed, with the type and label of the folder it was listed in. */
    public record Listed(StoredObject object, String type, String label) {
    }

    private final BucketListing listing;
    private final List<FolderRoute> folders;
    private final FileLifecycle lifecycle;

    public BucketObjects(BucketListing listing, List<FolderRoute> folders, FileLifecycle lifecycle) {
        this.listing = listing;
        this.folders = List.copyOf(folders);
        this.lifecycle = lifecycle;
    }

    /**
     * The objects to announce, of every type and label in turn.
     *
     * @throws BucketListing.BucketNotListedException when a listing fails
     */
    public List<Listed> toAnnounce() {
        List<Listed> listed = new ArrayList<>();
        for (FolderRoute folder : folders) {
            for (StoredObject object : lifecycle.announceObjects(listing.list(folder.type(), folder.label()),
                    folder.type(), folder.label())) {
                listed.add(new Listed(object, folder.type(), folder.label()));
            }
        }
        return listed;
    }
}
