package dev.tocsin.testing;

import dev.tocsin.channel.email.EmailConfig;
import dev.tocsin.common.CompanyConfig;


/** Typed configuration for classes a unit test builds outside the container. */
public final class Configs {

    private Configs() {
    }

    public static EmailConfig email(String from, String messageIdDomain) {
        EmailConfig.Email email = new EmailConfig.Email() {
            @Override
            public String from() {
                return from;
            }

            @Override
            public String messageIdDomain() {
                return messageIdDomain;
            }

            @Override
            public java.util.Optional<String> webhookSecret() {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<String> bounceDomain() {
                return java.util.Optional.empty();
            }
        };
        return new EmailConfig() {
            @Override
            public Smtp smtp() {
                throw new UnsupportedOperationException("no SMTP relay in this test");
            }

            @Override
            public Email email() {
                return email;
            }
        };
    }

    public static CompanyConfig company(String name, String contact, String advisoryBaseUrl) {
        CompanyConfig.Company company = new CompanyConfig.Company() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String contact() {
                return contact;
            }

            @Override
            public java.util.Optional<java.util.List<String>> linkDomains() {
                return java.util.Optional.empty();
            }
        };
        CompanyConfig.Advisory advisory = () -> java.util.Optional.ofNullable(advisoryBaseUrl);
        return new CompanyConfig() {
            @Override
            public Company company() {
                return company;
            }

            @Override
            public Advisory advisory() {
                return advisory;
            }
        };
    }

}
