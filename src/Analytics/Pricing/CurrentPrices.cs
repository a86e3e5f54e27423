namespace Tollgate.Analytics.Pricing;

/// <summary>
/// The price catalogue every span is priced with, swapped whole when prices change so readers
/// never see half an update. Reloaded after local changes and periodically (other instances).
/// </summary>
public sealed class CurrentPrices(PriceStore store)
{
    private PriceCatalogue _catalogue = PriceCatalogue.Empty;

    public PriceCatalogue Catalogue => Volatile.Read(ref _catalogue);

    public async Task RefreshAsync(CancellationToken cancellationToken = default) =>
        Volatile.Write(ref _catalogue, await store.LoadCatalogueAsync(cancellationToken));

    /// <summary>Prices with a catalogue kept from an earlier load, while the database cannot give one.</summary>
    public void Use(PriceCatalogue catalogue) => Volatile.Write(ref _catalogue, catalogue);
}
