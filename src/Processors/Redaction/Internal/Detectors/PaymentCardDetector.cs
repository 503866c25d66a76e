namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Payment card numbers: 13 to 19 digits passing the Luhn check, with an issuer prefix in use (2200–2204,
/// 2221–2720, 3, 4, 5, 6, 81, 82), written without separators or grouped the way cards are printed (groups of
/// four, or 4-6-5 / 4-6-4) with single spaces or dashes. Numbers glued to letters, decimals (<c>0.4111…</c>) and
/// other groupings (dates, SSNs, lists of small numbers) are left alone; a longer grouped run is searched for a
/// card-shaped group sequence. A number written without separators is an order number, not a card, when the
/// nearest telling word of the three before it names one (<c>order</c>, <c>invoice</c>, <c>tracking</c>,
/// <c>ref</c>, <c>id</c>, <c>orderId</c>…) rather than a card (<c>card</c>, <c>pan</c>, <c>cc</c>, <c>visa</c>…).
/// </summary>
internal sealed class PaymentCardDetector : BuiltInDetector
{
    private const int MinimumDigits = 13;
    private const int MaximumDigits = 19;
    private const int MaximumGroups = 24;
    private const int ContextChars = 40;
    private const int ContextWords = 3;

    // Terms longer than three letters match inside a word (creditCard, orderNumber); shorter ones match whole words.
    private static readonly string[] CardTerms =
    [
        "card", "credit", "debit", "visa", "amex", "mastercard", "discover", "maestro", "diners", "unionpay",
        "pan", "cc", "ccn", "mc", "jcb",
    ];

    private static readonly string[] OrderTerms =
    [
        "order", "invoice", "tracking", "shipment", "parcel", "booking", "reference", "confirmation",
        "ref", "id", "txn",
    ];

    public PaymentCardDetector()
        : base("card", DetectorAnchors.DigitRun13)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(Digits);
            if (found < 0)
            {
                return false;
            }

            var digits = ScanRun(text, position + found, out position);
            if (digits >= MinimumDigits)
            {
                return true;
            }
        }

        return false;
    }

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(Digits);

    // A run is read once: the next search starts after it.
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        var digits = ScanRun(text, start, out var end);
        cursor.Position = end;
        if (digits >= MinimumDigits && HasBoundaries(text, start, end)
            && TryFindCard(text[start..end], out var offset, out var cardLength)
            && !(IsUnseparated(text.Slice(start + offset, cardLength)) && IsOrderContext(text[..(start + offset)])))
        {
            return Hit(start + offset, cardLength, out match);
        }

        return Miss(out match);
    }

    /// <summary>
    /// Returns whether an attribute is an order number rather than a card: its value is a bare number (digits only,
    /// or a 64-bit integer) and its key names an order, invoice, tracking number or id (<c>order.id</c>,
    /// <c>invoice_number</c>) without a card word (<c>card.id</c> stays a card).
    /// </summary>
    internal static bool IsOrderNumberAttribute(string key, object? value)
    {
        var bare = value switch
        {
            string text => text.Length is >= MinimumDigits and <= MaximumDigits && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0,
            long or ulong => true,
            _ => false,
        };
        return bare && IsOrderKey(key);
    }

    private static bool IsOrderKey(ReadOnlySpan<char> key)
    {
        var order = false;
        var end = key.Length;
        while (end > 0)
        {
            while (end > 0 && !char.IsAsciiLetterOrDigit(key[end - 1]))
            {
                end--;
            }

            var start = end;
            while (start > 0 && char.IsAsciiLetterOrDigit(key[start - 1]))
            {
                start--;
            }

            if (end - start > ContextChars)
            {
                return false;
            }

            switch (Classify(key[start..end]))
            {
                case ContextWord.Card:
                    return false;
                case ContextWord.Order:
                    order = true;
                    break;
            }

            end = start;
        }

        return order;
    }

    private static bool IsUnseparated(ReadOnlySpan<char> card) => card.IndexOfAnyExceptInRange('0', '9') < 0;

    // Whether the words just before a number name an order, invoice, tracking or reference number rather than a
    // card. The nearest telling word decides ("order paid by card 4111…" is a card); words such as "number" tell
    // nothing, and so does "no" ("card no 4111…"). At most ContextChars characters are read back, so the check costs a bounded read per run.
    private static bool IsOrderContext(ReadOnlySpan<char> before)
    {
        if (before.Length > ContextChars)
        {
            before = before[^ContextChars..];
        }

        var end = before.Length;
        for (var words = 0; words < ContextWords && end > 0; words++)
        {
            while (end > 0 && !char.IsAsciiLetterOrDigit(before[end - 1]))
            {
                end--;
            }

            var start = end;
            while (start > 0 && char.IsAsciiLetterOrDigit(before[start - 1]))
            {
                start--;
            }

            if (start == 0 && before.Length == ContextChars)
            {
                return false; // a word cut by the window
            }

            switch (Classify(before[start..end]))
            {
                case ContextWord.Card:
                    return false;
                case ContextWord.Order:
                    return true;
            }

            end = start;
        }

        return false;
    }

    private static ContextWord Classify(ReadOnlySpan<char> word)
    {
        if (word.IsEmpty)
        {
            return ContextWord.Neutral;
        }

        Span<char> lower = stackalloc char[ContextChars];
        var length = word.ToLowerInvariant(lower);
        var w = lower[..length];
        foreach (var term in CardTerms)
        {
            if (term.Length > 3 ? w.Contains(term, StringComparison.Ordinal) : w.SequenceEqual(term))
            {
                return ContextWord.Card;
            }
        }

        foreach (var term in OrderTerms)
        {
            if (term.Length > 3 ? w.Contains(term, StringComparison.Ordinal) : w.SequenceEqual(term))
            {
                return ContextWord.Order;
            }
        }

        // orderId, customerID: a camel-case "Id" ends an identifier's name ("paid" does not).
        return word.Length > 2 && word[^2] == 'I' && word[^1] is 'd' or 'D' && char.IsAsciiLetterLower(word[^3])
            ? ContextWord.Order
            : ContextWord.Neutral;
    }

    /// <summary>Returns whether the digits of <paramref name="run"/> (separators ignored) form a card number.</summary>
    internal static bool IsCardNumber(ReadOnlySpan<char> run)
    {
        Span<int> digits = stackalloc int[MaximumDigits];
        var count = 0;
        foreach (var c in run)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == MaximumDigits)
                {
                    return false;
                }

                digits[count++] = c - '0';
            }
        }

        return count >= MinimumDigits && HasIssuerPrefix(digits[..count]) && PassesLuhn(digits[..count]);
    }

    internal static bool PassesLuhn(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    private static bool HasIssuerPrefix(ReadOnlySpan<int> d)
    {
        switch (d[0])
        {
            case 3 or 4 or 5 or 6:
                return true;
            case 8:
                return d[1] is 1 or 2;
            case 2:
                var four = (d[0] * 1000) + (d[1] * 100) + (d[2] * 10) + d[3];
                return four is (>= 2200 and <= 2204) or (>= 2221 and <= 2720);
            default:
                return false;
        }
    }

    // A run is digits joined by single spaces or dashes; returns its digit count and where it ends.
    private static int ScanRun(ReadOnlySpan<char> text, int start, out int end)
    {
        var digits = 0;
        var position = start;
        while (position < text.Length)
        {
            var c = text[position];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                position++;
            }
            else if (c is ' ' or '-' && position + 1 < text.Length && char.IsAsciiDigit(text[position + 1]))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        end = position;
        return digits;
    }

    private static bool HasBoundaries(ReadOnlySpan<char> text, int start, int end)
    {
        if (start > 0)
        {
            var before = text[start - 1];
            if (char.IsAsciiLetter(before) || before == '_'
                || (before is '.' or ',' && start > 1 && char.IsAsciiDigit(text[start - 2])))
            {
                return false;
            }
        }

        if (end < text.Length)
        {
            var after = text[end];
            if (char.IsAsciiLetter(after) || after == '_'
                || (after is '.' or ',' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])))
            {
                return false;
            }
        }

        return true;
    }

    // Tries the whole run first, then shorter group sequences (a card followed by an expiry year, say).
    private static bool TryFindCard(ReadOnlySpan<char> run, out int offset, out int length)
    {
        Span<int> groupStart = stackalloc int[MaximumGroups];
        Span<int> groupEnd = stackalloc int[MaximumGroups];
        var groups = 0;
        var position = 0;
        while (position < run.Length)
        {
            if (groups == MaximumGroups)
            {
                offset = length = 0;
                return false;
            }

            groupStart[groups] = position;
            while (position < run.Length && char.IsAsciiDigit(run[position]))
            {
                position++;
            }

            groupEnd[groups++] = position;
            position++;
        }

        for (var first = 0; first < groups; first++)
        {
            for (var last = groups - 1; last >= first; last--)
            {
                if (IsCardShaped(groupStart, groupEnd, first, last)
                    && IsCardNumber(run[groupStart[first]..groupEnd[last]]))
                {
                    offset = groupStart[first];
                    length = groupEnd[last] - groupStart[first];
                    return true;
                }
            }
        }

        offset = 0;
        length = 0;
        return false;
    }

    private enum ContextWord
    {
        Neutral,
        Card,
        Order,
    }

    private static bool IsCardShaped(ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int first, int last)
    {
        var digits = ends[last] - starts[first] - (last - first);
        if (digits is < MinimumDigits or > MaximumDigits)
        {
            return false;
        }

        if (first == last)
        {
            return true;
        }

        var count = last - first + 1;
        if (count == 3 && ends[first] - starts[first] == 4 && ends[first + 1] - starts[first + 1] == 6
            && ends[last] - starts[last] is 4 or 5)
        {
            return true;
        }

        for (var g = first; g < last; g++)
        {
            if (ends[g] - starts[g] != 4)
            {
                return false;
            }
        }

        return ends[last] - starts[last] is >= 1 and <= 4;
    }
}
