//! Writes the registration code. It names only `::sekoia_runtime::...` paths, so a module
//! crate depends on `sekoia-runtime` alone.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Item;

use crate::attr::{ComponentArgs, ModuleArgs};
use crate::ctxt::Ctxt;
use crate::valid::{self, Kind};

/// `#[module(...)]`
pub(crate) fn module(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = ModuleArgs::parse(args, &mut cx);
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => return with_errors(item, e.to_compile_error()),
    };
    let Some(the_struct) = valid::the_struct("module", &parsed, &mut cx) else {
        // an enum still gets the marker, so that the components that name it report nothing more
        let module_impl = match &parsed {
            Item::Enum(e) if e.generics.params.is_empty() => Some(module_impl(&e.ident)),
            _ => None,
        };
        let errors = cx.into_compile_errors().unwrap_or_default();
        return with_errors(item, quote!(#module_impl #errors));
    };
    let spec = valid::module(&args, the_struct, &mut cx);
    let ident = &the_struct.ident;
    let module_impl = module_impl(ident);
    if let Some(errors) = cx.into_compile_errors() {
        // still a module configuration, so that the components and the `AccountValidator` impl
        // that name it report nothing more (unless generic: that impl would be one more error)
        let module_impl = the_struct.generics.params.is_empty().then_some(module_impl);
        return with_errors(item, quote!(#module_impl #errors));
    }
    let valid::ModuleSpec {
        name,
        slug,
        uuid,
        categories,
        description,
        dialect,
    } = spec;
    let categories = match categories {
        Some(categories) => quote!(::core::option::Option::Some(&[#(#categories),*])),
        None => quote!(::core::option::Option::None),
    };
    let dialect = dialect_tokens(&dialect);
    quote! {
        #item

        const _: () = {
            #module_impl

            fn validator() -> ::core::option::Option<::sekoia_runtime::__private::Start> {
                #[allow(unused_imports)]
                use ::sekoia_runtime::__private::{HasValidator as _, NoValidator as _};
                (&::sekoia_runtime::__private::ValidatorProbe::<#ident>::new()).validator()
            }

            ::sekoia_runtime::__private::inventory::submit! {
                ::sekoia_runtime::__private::descriptor::module::<#ident>(
                    #name,
                    #slug,
                    #uuid,
                    #categories,
                    #description,
                    #dialect,
                    ::sekoia_runtime::__private::Origin {
                        rust_path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
                        location: ::core::concat!(::core::file!(), ":", ::core::line!()),
                    },
                    validator,
                )
            }
        };
    }
}

/// `#[action(...)]`, `#[trigger(...)]`, `#[connector(...)]`
pub(crate) fn component(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute = kind.as_str();
    let mut cx = Ctxt::default();
    let args = ComponentArgs::parse(kind, args, &mut cx);
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => return with_errors(item, e.to_compile_error()),
    };
    let Some(the_struct) = valid::the_struct(attribute, &parsed, &mut cx) else {
        return with_errors(item, cx.into_compile_errors().unwrap_or_default());
    };
    let spec = valid::component(kind, &args, the_struct, &mut cx);
    if let Some(errors) = cx.into_compile_errors() {
        return with_errors(item, errors);
    }
    let ident = &the_struct.ident;
    let extra = extra_tokens(&spec);
    let valid::ComponentSpec {
        name,
        description,
        uuid,
        docker_parameters,
        slug,
        file,
        unit,
        ..
    } = spec;
    let uuid = option(uuid);
    let slug = option(slug);
    let file = option(file);
    let constructor = if unit {
        quote!(#ident)
    } else {
        quote_spanned!(ident.span()=> <#ident as ::core::default::Default>::default())
    };
    let descriptor_fn = syn::Ident::new(attribute, ident.span());
    let descriptor = quote_spanned! {ident.span()=>
        ::sekoia_runtime::__private::descriptor::#descriptor_fn::<#ident>
    };
    quote! {
        #item

        const _: () = {
            impl ::sekoia_runtime::__private::Construct for #ident {
                fn construct() -> Self {
                    #constructor
                }
            }

            ::sekoia_runtime::__private::inventory::submit! {
                #descriptor(::sekoia_runtime::__private::Identity {
                    name: #name,
                    description: #description,
                    uuid: #uuid,
                    docker_parameters: #docker_parameters,
                    slug: #slug,
                    file: #file,
                    origin: ::sekoia_runtime::__private::Origin {
                        rust_path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
                        location: ::core::concat!(::core::file!(), ":", ::core::line!()),
                    },
                }, #extra)
            }
        };
    }
}

/// The module's `Dialect`: the default, with each setting written.
fn dialect_tokens(dialect: &valid::DialectSpec) -> TokenStream {
    let private = quote!(::sekoia_runtime::__private);
    let mut tokens = quote!(#private::Dialect::PYDANTIC);
    macro_rules! setting {
        ($field:ident, $with:ident, $ty:ident) => {
            if let Some(value) = dialect.$field {
                let variant = syn::Ident::new(&format!("{value:?}"), proc_macro2::Span::call_site());
                tokens = quote!(#tokens.$with(#private::$ty::#variant));
            }
        };
    }
    setting!(titles, with_titles, Titles);
    setting!(root_title, with_root_title, RootTitle);
    setting!(schema, with_schema, MetaSchema);
    setting!(optional, with_optional, Optional);
    setting!(nullable, with_nullable, Nullable);
    if let Some(keep) = dialect.keep_formats {
        tokens = quote!(#tokens.with_keep_formats(#keep));
    }
    tokens
}

/// The component's `Extra`: what its manifest holds besides its identity.
fn extra_tokens(spec: &valid::ComponentSpec) -> TokenStream {
    let private = quote!(::sekoia_runtime::__private);
    let outputs = spec
        .outputs
        .iter()
        .map(|(branch, description)| quote!((#branch, #description)));
    let configuration_part = option(spec.configuration_part.clone());
    let required = match &spec.required {
        Some(names) => quote!(::core::option::Option::Some(&[#(#names),*])),
        None => quote!(::core::option::Option::None),
    };
    let webhook = spec.webhook;
    let results = match &spec.results {
        Some(ty) => quote!(::core::option::Option::Some(#private::output_schema::<#ty>())),
        None => quote!(::core::option::Option::None),
    };
    let twin = match &spec.twin {
        Some(twin) => {
            let file = option(twin.file.clone());
            let name = option(twin.name.clone());
            let description = option(twin.description.clone());
            let slug = option(twin.slug.clone());
            let arguments = match &twin.arguments {
                Some(ty) => quote!(::core::option::Option::Some(#private::input_schema::<#ty>())),
                None => quote!(::core::option::Option::None),
            };
            let arguments_title = option(twin.arguments_title.clone());
            let results = &twin.results;
            quote!(::core::option::Option::Some(#private::Twin {
                file: #file,
                name: #name,
                description: #description,
                slug: #slug,
                arguments: #arguments,
                arguments_title: #arguments_title,
                results: #private::output_schema::<#results>(),
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    quote!(#private::Extra {
        outputs: &[#(#outputs),*],
        configuration_part: #configuration_part,
        required: #required,
        webhook: #webhook,
        results: #results,
        twin: #twin,
    })
}

/// `impl Module`, spanned on the struct's name so that a missing derive points there.
fn module_impl(ident: &syn::Ident) -> TokenStream {
    quote_spanned! {ident.span()=>
        impl ::sekoia_runtime::Module for #ident {}
    }
}

fn option(value: Option<String>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// The user's item unchanged, then the errors: the rest of the crate keeps type-checking.
fn with_errors(item: TokenStream, errors: TokenStream) -> TokenStream {
    quote! {
        #item
        #errors
    }
}
