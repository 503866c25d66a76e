namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The IBAN length of each country that issues IBANs (the ISO 13616 registry, with the countries that use them
/// without being registered yet), so a token that passes mod-97 by chance (1 in 97 do) is an IBAN only when its
/// first two letters name such a country and its length is that country's.
/// </summary>
internal static class IbanCountries
{
    private const string Registry =
        "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24DE22DJ27DK18DO28EE20EG29ES24FI18FK18FO18"
        + "FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20LU20LV21LY25MC27MD24"
        + "ME22MK19MN20MR27MT31MU30NI28NL18NO15OM23PK24PL28PS29PT25QA29RO24RS22RU33SA24SC31SD18SE24SI19SK24SM27SO23"
        + "ST25SV28TL23TN24TR26UA29VA22VG24XK20YE30"

        // In use, not registered.
        + "AO25BF28BJ28CF27CG27CI28CM27CV25DZ26GA27GQ27GW25HN28IR26KM27MA28MG27ML28MZ25NE28SN28TD27TG28";

    private static readonly byte[] Lengths = CreateLengths();

    /// <summary>Returns the IBAN length of the country two ASCII letters of either case name, or 0 when they name none.</summary>
    internal static int LengthOf(char first, char second) =>
        Lengths[Index(char.ToUpperInvariant(first), char.ToUpperInvariant(second))];

    private static int Index(char first, char second) => ((first - 'A') * 26) + (second - 'A');

    private static byte[] CreateLengths()
    {
        var lengths = new byte[26 * 26];
        for (var i = 0; i < Registry.Length; i += 4)
        {
            lengths[Index(Registry[i], Registry[i + 1])] = (byte)(((Registry[i + 2] - '0') * 10) + (Registry[i + 3] - '0'));
        }

        return lengths;
    }
}
