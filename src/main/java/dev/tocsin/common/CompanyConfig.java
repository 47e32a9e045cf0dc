package dev.tocsin.common;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Who the notices come from and where recipients check them: shown in notices and on the public pages. */
@ConfigMapping(prefix = "tocsin")
public interface CompanyConfig {

    Company company();

    Advisory advisory();

    interface Company {
        String name();

        /** How a recipient reaches the company (an address or a URL), printed in every notice. */
        String contact();

        /**
         * Hosts besides the advisory's that a notice may link to (an offered service's enrolment site);
         * a host's subdomains too. Empty: none.
         */
        Optional<java.util.List<String>> linkDomains();
    }

    interface Advisory {
        /** Public base URL of the advisory pages (/a/{token}, /verify); unset: this instance's address (AdvisoryLinks). */
        Optional<String> baseUrl();
    }
}
