package dev.berth.image.reference;

import java.util.regex.Pattern;

/**
 * The reference grammar of distribution/reference ({@code regexp.go}), which Docker uses, in
 * Java's regular expressions. Kept apart from {@link ImageReference} so that the grammar can be
 * read against its source line by line:
 *
 * <pre>
 * reference       := name [ ":" tag ] [ "@" digest ]
 * name            := [domain '/'] remote-name
 * domain          := host [':' port-number]
 * host            := domain-name | "[" IPv6address "]"
 * domain-name     := domain-component ['.' domain-component]*
 * domain-component:= /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 * remote-name     := path-component ['/' path-component]*
 * path-component  := alpha-numeric [separator alpha-numeric]*
 * alpha-numeric   := /[a-z0-9]+/
 * separator       := /[_.]|__|[-]+/
 * tag             := /[\w][\w.-]{0,127}/
 * digest          := algorithm ":" hex   ; algorithm /[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*&#47;, hex 32+
 * </pre>
 */
final class ReferenceGrammar {
    private static final String ALPHANUMERIC = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String PATH_COMPONENT = ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
    private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*";
    private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
    private static final String DOMAIN = "(?:" + DOMAIN_NAME + "|" + IPV6 + ")(?::[0-9]+)?";
    private static final String NAME = "(?:" + DOMAIN + "/)?" + REMOTE_NAME;
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

    /** Groups: 1 name, 2 tag, 3 digest. */
    static final Pattern REFERENCE = Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
    static final Pattern TAG_ONLY = Pattern.compile(TAG);
    static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

    /** distribution/reference's NameTotalLengthMax. */
    static final int NAME_TOTAL_LENGTH_MAX = 255;

    private ReferenceGrammar() {}
}
