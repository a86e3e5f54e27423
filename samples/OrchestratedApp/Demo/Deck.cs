namespace Tollgate.OrchestratedApp.Demo;

/// <summary>
/// Draws outcomes from a shuffled deck of 100 cards whose counts follow the configured shares, so
/// that even a short run shows the configured mix (to the nearest percent) while the order stays
/// random. A plain random draw per request would miss a 3% rate by a point on a few hundred requests.
/// </summary>
public sealed class Deck<T>
{
    private const int Size = 100;
    private readonly Random _random;
    private readonly T[] _cards;
    private int _next = Size;

    public Deck(Random random, IReadOnlyList<(T Value, double Share)> shares)
    {
        _random = random;
        _cards = new T[Size];
        var position = 0;
        var cumulative = 0.0;
        foreach (var (value, share) in shares)
        {
            cumulative += share;
            // Rounding the running total keeps the counts summing to exactly the deck size.
            var end = (int)Math.Round(cumulative * Size, MidpointRounding.AwayFromZero);
            for (; position < end && position < Size; position++)
            {
                _cards[position] = value;
            }
        }

        for (; position < Size; position++)
        {
            _cards[position] = shares[^1].Value;
        }
    }

    public T Draw()
    {
        if (_next == Size)
        {
            _random.Shuffle(_cards);
            _next = 0;
        }

        return _cards[_next++];
    }
}
