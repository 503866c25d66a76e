using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// National-format phone numbers, written without <c>+</c>: <c>(415) 555-2671</c>, <c>415-555-2671</c>,
/// <c>020 7946 0958</c>, <c>06 12 34 56 78</c>. Conservative: at least three groups of 2 to 4 digits (an optional
/// parenthesised area code of 2 to 5 digits counts as one), 9 to 12 digits in all, joined by single spaces or by
/// single dashes (one kind throughout, after the area code), preceded by a space, the start, an opening bracket or
/// quote or <c>=</c>, and not glued to what follows. So dates, times, versions, GUID pieces, prices, numbers written
/// as one run, card-like groups of four, the 3-2-4 shape of an SSN and groups inside a longer number are left alone. Shares the name <c>phone</c> with
/// <see cref="PhoneDetector"/>, so one switch disables both.
/// </summary>
internal sealed class NationalPhoneDetector : BuiltInDetector
{
    private const int MinimumDigits = 9;
    private const int MaximumDigits = 12;
    private const int MinimumGroups = 3;

    private static readonly SearchValues<char> Starts = SearchValues.Create("0123456789(");

    public NationalPhoneDetector()
        : base("phone", DetectorAnchors.PhoneShape)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOfAny(Digits) >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(Starts);

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        if (TryMatchFrom(text, start, out match))
        {
            return true;
        }

        // Every later digit of this run follows a digit, so none can start a number: the next search starts after
        // the run instead of at each of its digits (one anchor search per digit made a card number cost 500 ns).
        var position = start;
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        cursor.Position = Math.Max(cursor.Position, position);
        return false;
    }

    // Reads at most the area code and 12 digits with their separators from the anchor.
    private bool TryMatchFrom(ReadOnlySpan<char> text, int start, out DetectorMatch match)
    {
        if (start > 0 && (text[start - 1] is not (' ' or '\t' or '(' or '[' or '{' or '<' or '"' or '\'' or '=')
            || (start > 1 && text[start - 1] is ' ' or '\t' && (char.IsAsciiDigit(text[start - 2]) || text[start - 2] is ')' or '+'))))
        {
            // Inside a longer number (digits to the left, "+0 123 456 789").
            return Miss(out match);
        }

        var position = start;
        var digits = 0;
        var groups = 0;
        var allFours = true;
        Span<int> sizes = stackalloc int[3];
        if (text[start] == '(')
        {
            var area = CountDigits(text, start + 1, 6);
            position = start + 1 + area;
            if (area is < 2 or > 5 || position >= text.Length || text[position] != ')')
            {
                return Miss(out match);
            }

            position++;
            if (position < text.Length && text[position] == ' ')
            {
                position++;
            }

            digits = area;
            sizes[0] = area;
            groups = 1;
            allFours = false;
        }

        var separator = '\0';
        while (true)
        {
            var group = CountDigits(text, position, 5);
            if (group is < 2 or > 4)
            {
                return Miss(out match);
            }

            if (groups < sizes.Length)
            {
                sizes[groups] = group;
            }

            digits += group;
            groups++;
            allFours &= group == 4;
            position += group;
            if (digits > MaximumDigits)
            {
                return Miss(out match);
            }

            if (position + 1 >= text.Length || text[position] is not (' ' or '-') || !char.IsAsciiDigit(text[position + 1])
                || (separator != '\0' && text[position] != separator))
            {
                break;
            }

            separator = text[position];
            position++;
        }

        // Groups of four are card or account fragments; 3-2-4 is the shape of a US SSN, valid or not.
        var ssnShape = groups == 3 && sizes[0] == 3 && sizes[1] == 2 && sizes[2] == 4;
        return digits >= MinimumDigits && groups >= MinimumGroups && !allFours && !ssnShape && !IsGlued(text, position)
            ? Hit(start, position - start, out match)
            : Miss(out match);
    }

    private static int CountDigits(ReadOnlySpan<char> text, int start, int limit)
    {
        var count = 0;
        while (start + count < text.Length && count < limit && char.IsAsciiDigit(text[start + count]))
        {
            count++;
        }

        return count;
    }

    // A number continued by a letter, a dash, a slash, or a dot, colon or comma before more digits is something else.
    private static bool IsGlued(ReadOnlySpan<char> text, int end)
    {
        if (end >= text.Length)
        {
            return false;
        }

        var after = text[end];
        return char.IsAsciiLetterOrDigit(after) || after is '_' or '-' or '/' or '@'
            || (after is '.' or ':' or ',' or ' ' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]));
    }
}
